"""Which sources are this repository's: URL forms compare equal, other repos do not."""

from __future__ import annotations

from pathlib import Path

import pytest

from argodiff.model import Source
from argodiff.repo.identity import RepoIdentity, normalize_repo_url


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/boxp/lolice",
        "https://github.com/boxp/lolice.git",
        "https://GitHub.com/Boxp/Lolice/",
        "http://user@github.com/boxp/lolice.git",
        "ssh://git@github.com:22/boxp/lolice.git",
        "git@github.com:boxp/lolice.git",
        "github.com/boxp/lolice",
    ],
)
def test_url_forms_normalize_alike(url: str) -> None:
    assert normalize_repo_url(url) == "github.com/boxp/lolice"


def test_git_sources_of_this_repository_are_local(tmp_path: Path) -> None:
    identity = RepoIdentity.of_checkout(
        tmp_path,
        extra_urls=["https://github.com/boxp/lolice"],
        remote_urls=["git@github.com:boxp/lolice.git", "/srv/mirror/lolice"],
    )
    assert identity.is_local(Source(repo_url="https://github.com/boxp/lolice.git"), tmp_path)
    assert identity.is_local(Source(repo_url="/srv/mirror/lolice/"), tmp_path)
    assert identity.is_local(Source(repo_url=f"file://{tmp_path}"), tmp_path)
    assert not identity.is_local(Source(repo_url="https://github.com/boxp/other"), tmp_path)
    # A Helm chart repository is never "this repository", even at the same URL.
    chart = Source(repo_url="https://github.com/boxp/lolice", chart="lolice")
    assert not identity.is_local(chart, tmp_path)


def test_without_a_hosted_url_existing_paths_are_local(tmp_path: Path) -> None:
    (tmp_path / "argoproj" / "calico").mkdir(parents=True)
    identity = RepoIdentity.of_checkout(tmp_path, remote_urls=["/home/me/src/lolice"])
    url = "https://github.com/anyone/anything"
    assert identity.is_local(Source(repo_url=url, path="argoproj/calico"), tmp_path)
    assert not identity.is_local(Source(repo_url=url, path="argoproj/nothere"), tmp_path)
