"""Files argodiff writes, never through a symbolic link: a pull request can commit a link named
like the results file (`argodiff-results.json -> /etc/...`), and writing through it would
overwrite whatever it points at."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from argodiff.errors import ArgodiffError

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: opening a FIFO must fail (ENXIO) or return at once, never wait for a reader.
_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK


class UnsafePath(ArgodiffError):
    """A path argodiff was to write is a symbolic link or not a regular file."""


def _refuse(path: Path, exc: OSError) -> UnsafePath:
    if exc.errno in (errno.ELOOP, errno.ENOTDIR):
        why = "it (or a directory on the way) is a symbolic link"
    else:
        why = exc.strerror or str(exc)
    return UnsafePath(f"refusing to write {path}: {why}")


def _parent_fd(path: Path, root: Path | None) -> tuple[int, str]:
    """An open descriptor of `path`'s directory and the file's name. Below `root` (the
    checkout, which the pull request wrote), no directory on the way may be a link either."""
    if root is None or not path.is_relative_to(root):
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path.parent, _DIR_FLAGS), path.name
    fd = os.open(root, _DIR_FLAGS)
    try:
        for part in path.relative_to(root).parts[:-1]:
            with contextlib.suppress(FileExistsError):
                os.mkdir(part, 0o755, dir_fd=fd)
            next_fd = os.open(part, _DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = next_fd
    except OSError:
        os.close(fd)
        raise
    return fd, path.name


def write_text(path: Path, text: str, *, append: bool = False, root: Path | None = None) -> None:
    """Write (or append) UTF-8 `text` to `path`, refusing a symbolic link or a non-regular
    file at `path` (and, below `root`, on the way to it)."""
    try:
        dir_fd, name = _parent_fd(path, root)
    except OSError as exc:
        raise _refuse(path, exc) from None
    try:
        fd = os.open(name, _FILE_FLAGS | (os.O_APPEND if append else 0), 0o644, dir_fd=dir_fd)
    except OSError as exc:
        raise _refuse(path, exc) from None
    finally:
        os.close(dir_fd)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnsafePath(f"refusing to write {path}: not a regular file")
        os.set_blocking(fd, True)
        if not append:
            os.ftruncate(fd, 0)
        f.write(text)


def remove_link(path: Path, *, root: Path | None = None) -> str | None:
    """Remove a symbolic link at `path` (never what it points to); its target, or None when
    `path` is not a link."""
    try:
        dir_fd, name = _parent_fd(path, root)
    except OSError as exc:
        raise _refuse(path, exc) from None
    try:
        target = os.readlink(name, dir_fd=dir_fd)
    except OSError:
        return None  # absent, or not a link
    else:
        os.unlink(name, dir_fd=dir_fd)
        return target
    finally:
        os.close(dir_fd)
