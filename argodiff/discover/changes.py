"""Which files a pull request changes."""

from __future__ import annotations

from github import Github

from argodiff.errors import ArgodiffError
from argodiff.github.api import pr_changed_files
from argodiff.repo import git
from argodiff.repo.checkout import LocalRepo


def pr_files(
    repo: LocalRepo,
    *,
    base_sha: str,
    head_sha: str,
    gh: Github | None = None,
    repository: str = "",
    number: int | None = None,
) -> list[str]:
    """The PR's files from GitHub's API; `git diff` from the merge base when there is no
    token, the API fails, or its 3,000-file cap is hit (the list would be incomplete)."""
    if gh is not None and number and repository:
        try:
            got = pr_changed_files(gh, repository, number)
            if got.complete:
                return got.files
        except ArgodiffError:
            pass
    base = git.merge_base(repo.root, base_sha, head_sha)
    return git.changed_files(repo.root, base, head_sha)
