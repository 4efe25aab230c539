"""`argodiff pr --dry-run` on a laptop: a PR author previews the comment before pushing."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.first_contact.helpers import REPO_ROOT, Run, argodiff, clean_env
from tests.fixture_repo import GitRepo, base_files, pr_changes


@pytest.fixture
def checkout(tmp_path: Path) -> GitRepo:
    """main with three apps, and the PR's change to `web` made but not committed."""
    repo = GitRepo.init(tmp_path / "repo")
    repo.commit(base_files(), "three apps")
    for rel, text in pr_changes().items():
        path = repo.path / rel
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return repo


def _status(repo: GitRepo) -> str:
    return subprocess.run(
        ["git", "status", "--porcelain"], cwd=repo.path, capture_output=True, text=True, check=True
    ).stdout


def _no_workflow_commands(run: Run) -> None:
    for line in (run.stdout + run.stderr).splitlines():
        assert not line.lstrip().startswith("::"), line


def _results_file(run: Run) -> Path:
    (line,) = [x for x in run.stderr.splitlines() if x.startswith("argodiff: results written to")]
    return Path(line.rpartition(" ")[2])


def test_without_a_pr_it_prints_the_markdown_report_and_says_why(checkout: GitRepo) -> None:
    before = _status(checkout)
    run = argodiff("pr", "--dry-run", "--base", "main", "--mode", "offline", cwd=checkout.path)
    assert run.code == 0, run.stderr
    assert "argodiff: no pull request is known" in run.stderr
    assert "the markdown report follows" in run.stderr
    assert "| web" in run.stdout  # the report's table, with the changed app
    assert "<details>" in run.stdout
    _no_workflow_commands(run)
    results = _results_file(run)
    assert not results.is_relative_to(checkout.path)
    doc = json.loads(results.read_text())
    assert {a["name"]: a["status"] for a in doc["apps"]}["web"] == "changed"
    assert _status(checkout) == before  # nothing left in the checkout
    results.unlink()


def test_with_a_pr_number_it_prints_the_comment_parts(checkout: GitRepo, tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    run = argodiff(
        "pr",
        "--dry-run",
        "--base",
        "main",
        "--mode",
        "offline",
        "--pr",
        "7",
        "--results-file",
        str(out),
        cwd=checkout.path,
        env=clean_env(GITHUB_REPOSITORY="example/lolice"),
    )
    assert run.code == 0, run.stderr
    assert "<!-- argodiff:argocd part=1/1 -->" in run.stdout
    assert "dry run: 1 comment part(s) printed, none posted" in run.stdout
    assert "no pull request is known" not in run.stderr
    _no_workflow_commands(run)
    assert json.loads(out.read_text())["apps"]
    assert _results_file(run) == out


def test_base_is_refused_inside_a_workflow_event(checkout: GitRepo, tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"inputs": {}}))
    run = argodiff(
        "pr",
        "--dry-run",
        "--base",
        "main",
        "--mode",
        "offline",
        cwd=checkout.path,
        env=clean_env(GITHUB_EVENT_NAME="workflow_dispatch", GITHUB_EVENT_PATH=str(event)),
    )
    assert run.code == 2
    assert "--base is for runs outside GitHub Actions" in run.stderr


def test_the_results_file_is_git_ignored() -> None:
    ignored = subprocess.run(
        ["git", "check-ignore", "argodiff-results.json"], cwd=REPO_ROOT, check=False
    )
    assert ignored.returncode == 0
