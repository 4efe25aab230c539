"""`argodiff report`: merge shard results, print them, and post them as the sticky comment."""

from __future__ import annotations

from pathlib import Path

import responses
from click.testing import CliRunner

from argodiff import results
from argodiff.cli import cli
from argodiff.model import AppResult, AppStatus, Change, ResourceDiff, ResourceKey, RunResult
from tests.github.conftest import NUMBER, REPO, TOKEN, FakeGitHub


def _shard(tmp_path: Path, name: str, status: AppStatus) -> Path:
    key = ResourceKey("apps", "Deployment", name, name)
    diff = f"{key.header()}\n--- live\n+++ predicted\n-  replicas: 1\n+  replicas: 2\n"
    resources = [ResourceDiff(key, Change.MODIFIED, diff)] if status is AppStatus.CHANGED else []
    run = RunResult(
        mode="revision",
        server="https://argocd.example.com",
        revision="a" * 40,
        apps=[AppResult(name=name, status=status, resources=resources)],
    )
    path = tmp_path / f"{name}.json"
    path.write_text(results.dumps(run))
    return path


def test_shards_merge_into_one_report(tmp_path: Path) -> None:
    files = [
        _shard(tmp_path, "web", AppStatus.CHANGED),
        _shard(tmp_path, "db", AppStatus.UNCHANGED),
    ]
    result = CliRunner().invoke(cli, ["report", *map(str, files), "--no-color"])
    assert result.exit_code == 1
    assert "web" in result.stdout and "db" in result.stdout
    assert "+  replicas: 2" in result.stdout


def test_post_creates_then_edits_the_sticky_comment(tmp_path: Path) -> None:
    files = [str(_shard(tmp_path, "web", AppStatus.CHANGED))]
    summary = tmp_path / "summary.md"
    env = {
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_REPOSITORY": REPO,
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_EVENT_NAME": "workflow_run",
    }
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = FakeGitHub(rsps)
        fake.register()
        args = ["report", *files, "--post", "--pr", str(NUMBER)]
        first = CliRunner().invoke(cli, args, env=env)
        second = CliRunner().invoke(cli, args, env=env)
    assert first.exit_code == 1, first.output
    assert "1 created" in first.stdout
    assert "1 unchanged" in second.stdout or "1 edited" in second.stdout
    bodies = fake.bodies()
    assert len(bodies) == 1
    assert bodies[0].startswith("<!-- argodiff:argocd.example.com part=1/1 -->")
    assert "+  replicas: 2" in bodies[0]
    assert TOKEN not in first.output + second.output + summary.read_text()


def test_post_without_a_token_says_what_is_missing(tmp_path: Path) -> None:
    files = [str(_shard(tmp_path, "web", AppStatus.CHANGED))]
    result = CliRunner().invoke(cli, ["report", *files, "--post"], env={"GITHUB_TOKEN": ""})
    assert result.exit_code == 2
    assert "--post needs a GitHub token" in result.output


def test_a_file_that_is_not_results_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "shard.json"
    bad.write_text('{"apps": [{"status": "weird"}]}')
    result = CliRunner().invoke(cli, ["report", str(bad)])
    assert result.exit_code == 2
    assert "shard.json: not an argodiff results file" in result.output


def test_post_keeps_to_max_comments(tmp_path: Path) -> None:
    runs = []
    for i in range(6):
        key = ResourceKey("", "ConfigMap", "big", f"cm-{i}")
        lines = "".join(f"+  key-{j}: {'x' * 60}\n" for j in range(200))
        diff = f"{key.header()}\n--- live\n+++ predicted\n{lines}"
        app = AppResult(
            name=f"app-{i}",
            status=AppStatus.CHANGED,
            resources=[ResourceDiff(key, Change.ADDED, diff)],
        )
        runs.append(RunResult(mode="revision", server="https://argocd.example.com", apps=[app]))
    path = tmp_path / "big.json"
    path.write_text(results.dumps(results.merge(runs)))
    env = {"GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": REPO}
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = FakeGitHub(rsps)
        fake.register()
        args = ["report", str(path), "--post", "--pr", str(NUMBER), "--max-comment-chars", "20000"]
        result = CliRunner().invoke(cli, [*args, "--max-comments", "2"], env=env)
    assert result.exit_code == 1, result.output
    bodies = fake.bodies()
    assert len(bodies) == 2
    assert all(len(b) <= 20000 for b in bodies)
