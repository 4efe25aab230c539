"""The trees argodiff reads and renders: a copy of one revision, or of the working tree, that
holds no `.git` (the checkout's token lives in `.git/config`), no symbolic link that leaves it,
and nothing but directories, regular files and links inside it.

Argo CD's repo-server refuses a repository with a link that resolves outside it
(util/io/files CheckOutOfBoundsSymlinks). argodiff refuses per app: every app whose sources read
such a link is an error naming the link; links no app reads change nothing. The refused links
are left out of the copy, so neither argodiff nor a tool can follow them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from argodiff.command import CommandError, run
from argodiff.errors import ArgodiffError
from argodiff.sandbox import scratch_parent

_GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
NOT_REGULAR = "(not a regular file)"
"""The target shown for a FIFO, device or socket found in a working tree."""


@dataclass(frozen=True)
class Snapshot:
    """An exported tree and the links (repository-relative path -> target) left out of it."""

    root: Path
    refused: Mapping[str, str] = field(default_factory=dict)

    def refusal(self, link: str) -> str:
        """Why `link` is not read, for an error message that names `link` as its file."""
        target = self.refused[link]
        if target == NOT_REGULAR:
            return "not a regular file (a FIFO, device or socket): not read"
        if ".git" in Path(target).parts:
            return f"symbolic link to {target} points into .git: refused"
        return (
            f"symbolic link to {target} points outside the repository: refused "
            "(Argo CD's repo-server refuses such links too)"
        )

    def refused_under(self, *paths: str) -> list[str]:
        """The refused links at, below or on the way to any of `paths` (repository-relative;
        `.` is the whole tree)."""
        found = []
        wanted = [p.strip("/") or "." for p in paths]
        for link in sorted(self.refused):
            for path in wanted:
                inside = link == path or link.startswith(path + "/")
                if path == "." or inside or path.startswith(link + "/"):
                    found.append(link)
                    break
        return found


_lock = threading.Lock()
_snapshots: dict[Path, Snapshot] = {}


def exported(root: Path) -> Snapshot | None:
    """The Snapshot whose tree is `root`, when `root` is one."""
    with _lock:
        return _snapshots.get(root.resolve())


def _register(snap: Snapshot) -> None:
    with _lock:
        _snapshots[snap.root.resolve()] = snap


def forget(root: Path) -> None:
    """`root` is about to be removed."""
    with _lock:
        _snapshots.pop(root.resolve(), None)


def _git(repo: Path, *args: str, env: Mapping[str, str] | None = None) -> bytes:
    return run(["git", "-C", str(repo), *args], env={**_GIT_ENV, **(env or {})}).stdout


def _checkout_revision(repo: Path, sha: str, dest: Path, scratch: Path) -> None:
    """The files of commit `sha`, as `git checkout` writes them, into `dest` (no `.git`)."""
    index = scratch / "index"
    try:
        _git(repo, "read-tree", f"--index-output={index}", sha)
        _git(
            repo,
            "checkout-index",
            "-a",
            "-f",
            f"--prefix={dest}/",
            env={"GIT_INDEX_FILE": str(index)},
        )
    except CommandError as exc:
        raise ArgodiffError(f"git: cannot check out {sha!r} ({exc})") from None


def _working_files(src: Path) -> Iterator[str]:
    """The working tree's files as git sees them (tracked and untracked, not ignored), or every
    file when `src` is not the top of a git checkout; never anything under `.git`."""
    if (src / ".git").exists():
        out = _git(src, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        yield from (p for p in out.decode("utf-8", "surrogateescape").split("\0") if p)
        return
    for top, dirs, files in os.walk(src):
        dirs[:] = [d for d in dirs if d != ".git" or Path(top, d).is_symlink()]
        rel = Path(top).relative_to(src)
        for name in (*files, *(d for d in dirs if Path(top, d).is_symlink())):
            yield (rel / name).as_posix()


def _copy_working_tree(src: Path, dest: Path) -> dict[str, str]:
    """Regular files and links of the working tree copied into `dest`; FIFOs, devices and
    sockets left out (and returned)."""
    skipped: dict[str, str] = {}
    for rel in _working_files(src):
        if ".git" in Path(rel).parts:
            continue
        source, target = src / rel, dest / rel
        try:
            info = source.lstat()
        except OSError:
            continue  # deleted from the working tree, or a path git lists but cannot show
        target.parent.mkdir(parents=True, exist_ok=True)
        if stat.S_ISLNK(info.st_mode):
            target.symlink_to(os.readlink(source))
        elif stat.S_ISREG(info.st_mode):
            shutil.copyfile(source, target, follow_symlinks=False)
            target.chmod(0o755 if info.st_mode & 0o111 else 0o644)
        elif not stat.S_ISDIR(info.st_mode):
            skipped[rel] = NOT_REGULAR
    return skipped


def _seal(root: Path) -> dict[str, str]:
    """Remove every link that resolves outside `root` (through other links too) and return
    them; make the rest readable by the render user."""
    top = os.path.realpath(root)
    outside: dict[str, str] = {}
    for dirpath, dirs, files in os.walk(root):
        os.chmod(dirpath, 0o755)
        for name in (*dirs, *files):
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                if name in files:
                    mode = os.lstat(path).st_mode
                    os.chmod(path, 0o755 if mode & 0o111 else 0o644)
                continue
            real = os.path.realpath(path)
            inside = real == top or real.startswith(top + os.sep)
            # `.git` is not in the copy, but a link into it is refused all the same: it is
            # where the checkout keeps its token (.git/config).
            into_git = inside and ".git" in Path(real).relative_to(top).parts
            if not inside or into_git:
                outside[Path(path).relative_to(root).as_posix()] = os.readlink(path)
    for rel in outside:
        (root / rel).unlink()
    return outside


def snapshot_dir(src: Path, dest: Path) -> Snapshot:
    """Export the working tree (or any directory) `src` into the new directory `dest`."""
    dest.mkdir(parents=True)
    skipped = _copy_working_tree(src, dest)
    snap = Snapshot(dest, {**_seal(dest), **skipped})
    _register(snap)
    return snap


@contextlib.contextmanager
def working_tree(src: Path) -> Iterator[Snapshot]:
    """A sealed copy of the working tree at `src`, removed afterwards."""
    parent = Path(tempfile.mkdtemp(prefix="argodiff-tree-", dir=scratch_parent()))
    try:
        parent.chmod(0o755)
        snap = snapshot_dir(src, parent / "tree")
        yield snap
    finally:
        forget(parent / "tree")
        shutil.rmtree(parent, ignore_errors=True)


@contextlib.contextmanager
def revision(repo: Path, sha: str) -> Iterator[Snapshot]:
    """A sealed copy of commit `sha` of `repo`, removed afterwards."""
    parent = Path(tempfile.mkdtemp(prefix="argodiff-tree-", dir=scratch_parent()))
    dest = parent / "tree"
    try:
        parent.chmod(0o755)
        dest.mkdir()
        _checkout_revision(repo, sha, dest, parent)
        (parent / "index").unlink(missing_ok=True)
        snap = Snapshot(dest, _seal(dest))
        _register(snap)
        yield snap
    finally:
        forget(dest)
        shutil.rmtree(parent, ignore_errors=True)
