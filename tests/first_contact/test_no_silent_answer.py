"""A clone whose origin is not the repository the Applications name (a fork, a mirror, a
renamed repository) gets exit 2 and the `--repo-url` fix, never "11 apps: 11 skipped"."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.first_contact.helpers import REPO_ROOT, argodiff, clean_env
from tests.fixture_repo import REPO_URL, GitRepo, base_files, pr_changes

FORK = "https://github.com/someone/fork.git"


@pytest.fixture(scope="module")
def fork(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture GitOps repository (its apps name REPO_URL), cloned with origin a fork."""
    repo = GitRepo.init(tmp_path_factory.mktemp("fork") / "repo")
    repo.commit(base_files(), "three apps")
    repo.commit(pr_changes(), "web: new image")
    repo.git("remote", "add", "origin", FORK)
    return repo.path


def _says_foreign(stderr: str, named: str) -> None:
    lines = [line for line in stderr.splitlines() if line.startswith("argodiff: error:")]
    assert len(lines) == 1, stderr
    assert lines[0].startswith(
        "argodiff: error: no Application under argoproj/ takes a source from this repository,"
        " so nothing would be compared: argodiff knows it as github.com/someone/fork"
    )
    assert f"but the Applications name {named}" in lines[0]
    assert lines[0].endswith(f"pass --repo-url {named}")


@pytest.mark.parametrize(
    "args",
    [
        ("app", "web"),
        ("app", "web", "--revision", "HEAD", "--server", "http://127.0.0.1:9"),
        ("app", "--all", "--base", "HEAD~1"),
        ("affected", "--base", "HEAD~1"),
        ("pr", "--dry-run", "--mode", "offline"),
    ],
)
def test_a_fork_exits_2_naming_both_urls(fork: Path, args: tuple[str, ...]) -> None:
    run = argodiff(*args, cwd=fork, env=clean_env(ARGOCD_AUTH_TOKEN="a.b.c"))
    assert run.code == 2, run.stdout
    _says_foreign(run.stderr, REPO_URL)


def test_repo_url_makes_the_fork_this_repository(fork: Path) -> None:
    run = argodiff("affected", "--base", "HEAD~1", "--repo-url", REPO_URL, cwd=fork)
    assert run.code == 0, run.stderr
    assert run.stdout.startswith("web (changed)")


def test_the_demo_in_a_fork_of_this_repository(tmp_path: Path) -> None:
    clone = tmp_path / "argodiff"
    subprocess.run(["git", "clone", "-q", str(REPO_ROOT), str(clone)], check=True, timeout=120)
    subprocess.run(["git", "-C", str(clone), "remote", "set-url", "origin", FORK], check=True)
    # Not run from inside the clone: `python -m` would import the clone's own argodiff.
    run = argodiff("demo", "--repo", str(clone), cwd=tmp_path)
    assert run.code == 2
    _says_foreign(run.stderr, "https://github.com/boxp/lolice.git")
