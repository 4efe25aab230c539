"""The git questions argodiff asks: where the repository is, what a PR changed, old checkouts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from argodiff.command import CommandError, run
from argodiff.errors import ArgodiffError, ConfigError
from argodiff.repo import export

GIT_ENV = {
    # Never wait for a password prompt, and keep git's messages in one language.
    "GIT_TERMINAL_PROMPT": "0",
    "LC_ALL": "C",
}


def _git(repo: Path, *args: str) -> str:
    """Run `git -C repo args…` and return stdout; failures keep git's own (trimmed) message."""
    return run(["git", "-C", str(repo), *args], env=GIT_ENV).stdout.decode("utf-8", "replace")


def _nul_list(text: str) -> list[str]:
    return [p for p in text.split("\0") if p]


def toplevel(path: Path) -> Path:
    """The root of the working tree that holds `path` (a directory or a file in one)."""
    where = path if path.is_dir() else path.parent
    try:
        return Path(_git(where, "rev-parse", "--show-toplevel").strip())
    except CommandError as exc:
        raise ConfigError(f"{path} is not inside a git repository ({exc})") from None


def rev_parse(repo: Path, ref: str) -> str:
    """The full commit SHA that `ref` (branch, tag, SHA, `HEAD~1`…) names in `repo`."""
    try:
        # `--end-of-options` keeps a ref like `--output=x` from being read as an option.
        out = _git(
            repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"
        )
    except CommandError:
        raise ArgodiffError(
            f"git: unknown revision {ref!r} in {repo}{_missing_hint(repo)}"
        ) from None
    return out.strip()


def is_shallow(repo: Path) -> bool:
    """Whether `repo` is a shallow clone (some history is not there)."""
    try:
        return _git(repo, "rev-parse", "--is-shallow-repository").strip() == "true"
    except CommandError:
        return False


def _missing_hint(repo: Path) -> str:
    if is_shallow(repo):
        return " (a shallow clone: fetch it first, e.g. actions/checkout with fetch-depth: 0)"
    return " (no branch, tag or commit of that name; `git fetch` it if it is on a remote)"


def head_sha(repo: Path) -> str:
    return rev_parse(repo, "HEAD")


def merge_base(repo: Path, a: str, b: str) -> str:
    """The best common ancestor of two revisions (what `a...b` diffs against)."""
    sha_a, sha_b = rev_parse(repo, a), rev_parse(repo, b)
    try:
        out = _git(repo, "merge-base", sha_a, sha_b).strip()
    except CommandError as exc:
        raise ArgodiffError(f"git: no merge base between {a!r} and {b!r} ({exc})") from None
    if not out:
        raise ArgodiffError(f"git: {a!r} and {b!r} have no common ancestor")
    return out


def changed_files(
    repo: Path, base: str, head: str | None = None, *, from_merge_base: bool = True
) -> list[str]:
    """Repository-relative paths a change touches, sorted, each once.

    With `head`, what `git diff base...head` shows (the PR's own changes, measured from the
    merge base). Without it, the merge base of `base` and HEAD against the working tree,
    plus untracked files that are not ignored: what the PR would change if committed now.
    With `from_merge_base=False` the change is measured from `base` itself (`base..head`, or
    `base` against the working tree): what differs between the two trees, as an offline
    comparison of exactly those two renders needs.
    Renames are split into a deletion and an addition so both paths are reported.
    """
    base_sha = rev_parse(repo, base)
    diff = ["diff", "--name-only", "--no-renames", "--no-ext-diff", "-z"]
    if head is None:
        since = ["--merge-base", base_sha] if from_merge_base else [base_sha]
        paths = _nul_list(_git(repo, *diff, *since))
        paths += _nul_list(
            _git(repo, "ls-files", "--others", "--exclude-standard", "--full-name", "-z", ":/")
        )
    else:
        head_commit = rev_parse(repo, head)
        dots = "..." if from_merge_base else ".."
        paths = _nul_list(_git(repo, *diff, f"{base_sha}{dots}{head_commit}"))
    return sorted(set(paths))


@contextmanager
def worktree(repo: Path, ref: str) -> Iterator[Path]:
    """A clean copy of `ref`'s files in a temporary directory, removed afterwards: no `.git`
    and no symbolic link out of it (repo/export.py)."""
    with export.revision(repo, rev_parse(repo, ref)) as snap:
        yield snap.root


def _without_userinfo(url: str) -> str:
    """An http(s) remote URL minus its userinfo: a token in a clone URL must not be shown."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def remote_urls(repo: Path) -> list[str]:
    """Fetch URLs of every remote (after `insteadOf` rewriting), in git's order, each once."""
    urls: list[str] = []
    for line in _git(repo, "remote", "-v").splitlines():
        name_url, _, kind = line.rpartition(" ")
        if kind != "(fetch)" or "\t" not in name_url:
            continue
        url = _without_userinfo(name_url.split("\t", 1)[1])
        if url not in urls:
            urls.append(url)
    return urls
