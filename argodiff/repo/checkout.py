"""The GitOps checkout on this machine, and clean checkouts of other revisions of it."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from argodiff.appsets.expand import AppSetOptions
from argodiff.errors import ArgodiffError, ConfigError
from argodiff.render.options import RenderOptions
from argodiff.repo import export, git
from argodiff.repo.identity import RepoIdentity
from argodiff.repo.sources import require_own_sources


class AppsDirMissing(ConfigError):
    """The directory of the Application manifests is not there (a typo in --apps-dir)."""


@dataclass(frozen=True)
class LocalRepo:
    """The GitOps checkout on this machine."""

    root: Path
    apps_dir: str = "argoproj"
    identity: RepoIdentity = field(default_factory=lambda: RepoIdentity(urls=()))
    render: RenderOptions = field(default_factory=RenderOptions)
    """How local renders follow the repo-server (namespace, capabilities, build options)."""
    appsets: AppSetOptions = field(default_factory=AppSetOptions)
    """How ApplicationSets are expanded (clusters, caps); discovery takes it as is."""

    @classmethod
    def find(cls, path: Path, apps_dir: str, repo_urls: Sequence[str] = ()) -> LocalRepo:
        root = git.toplevel(path)
        apps = root / apps_dir
        if not apps.is_dir() or not os.access(apps, os.R_OK | os.X_OK):
            # Not an empty answer: "0 apps" would read as "nothing to diff".
            what = "is not a readable directory" if apps.exists() else "does not exist"
            raise AppsDirMissing(f"--apps-dir {apps_dir}: {apps} {what}")
        identity = RepoIdentity.of_checkout(
            root, extra_urls=repo_urls, remote_urls=git.remote_urls(root)
        )
        require_own_sources(root, apps_dir, identity)
        appsets = AppSetOptions(is_this_repo=identity.is_this_repo)
        return cls(root=root, apps_dir=apps_dir, identity=identity, appsets=appsets)


@contextlib.contextmanager
def checkout(repo: LocalRepo, ref: str | None) -> Iterator[Path]:
    """A copy of the working tree (`ref` None), or a clean throwaway checkout of `ref`: either
    without `.git` and links out of it (repo/export.py)."""
    if ref is None:
        with export.working_tree(repo.root) as snap:
            yield snap.root
    else:
        with git.worktree(repo.root, ref) as path:
            yield path


@contextlib.contextmanager
def base_checkout(repo: LocalRepo, base_sha: str) -> Iterator[Path | None]:
    """A clean checkout of the PR base, or None when the commit is not in the clone."""
    with contextlib.ExitStack() as stack:
        try:
            path: Path | None = stack.enter_context(git.worktree(repo.root, base_sha))
        except ArgodiffError:
            path = None
        # Errors raised by the caller's block pass through untouched.
        yield path


def default_base(root: Path, head: str = "HEAD") -> str:
    """The merge base of `head` and the default branch: what a pull request would be diffed
    from."""
    for ref in ("origin/HEAD", "origin/main", "origin/master", "main", "master"):
        with contextlib.suppress(ArgodiffError):
            return git.merge_base(root, head, ref)
    return git.rev_parse(root, head)


def head_commit(root: Path) -> str:
    """The commit checked out at `root` (what `$ARGOCD_APP_REVISION` names), or empty."""
    try:
        return git.rev_parse(root, "HEAD")
    except ArgodiffError:
        return ""
