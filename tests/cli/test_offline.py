"""`argodiff app --base` and `argodiff affected`: offline runs on a real git repository."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from argodiff.cli import cli
from tests.fixture_repo import GitRepo, base_files, pr_changes


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    repo = GitRepo.init(tmp_path_factory.mktemp("offline") / "repo")
    repo.commit(base_files(), "three apps")
    repo.commit(pr_changes(), "web: new image, ConfigMap renamed")
    return repo


@contextmanager
def edited(repo: GitRepo, name: str, change: Callable[[str], str]) -> Iterator[str]:
    """The working tree with one file changed (not committed); yields the file's old text."""
    path = repo.path / name
    original = path.read_text()
    path.write_text(change(original))
    try:
        yield original
    finally:
        path.write_text(original)


def invoke(repo: GitRepo, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--repo", str(repo.path)], catch_exceptions=False)
    return result.exit_code, result.stdout


def test_base_ref_vs_head_shows_exactly_the_pr(repo: GitRepo) -> None:
    code, out = invoke(repo, "app", "web", "db", "--base", "HEAD~1", "--head", "HEAD", "-o", "json")
    assert code == 1
    doc = json.loads(out)
    apps = {a["name"]: a for a in doc["apps"]}
    assert apps["db"]["status"] == "unchanged"
    web = apps["web"]
    assert web["status"] == "changed"
    changes = {(r["change"], r["kind"], r["name"]) for r in web["resources"]}
    assert changes == {
        ("modified", "Deployment", "web"),
        ("added", "ConfigMap", "web-extra"),
        ("removed", "ConfigMap", "web-config"),
    }
    deployment = next(r for r in web["resources"] if r["kind"] == "Deployment")
    assert "-  replicas: 2\n+  replicas: 3" in deployment["diff"]
    assert "both rendered locally" in web["compared"]
    assert doc["mode"] == "offline"


def test_all_renders_only_affected_apps(repo: GitRepo) -> None:
    code, out = invoke(repo, "app", "--all", "--base", "HEAD~1", "--head", "HEAD", "-o", "json")
    assert code == 1
    status = {a["name"]: a["status"] for a in json.loads(out)["apps"]}
    assert status == {"db": "skipped", "infra": "skipped", "web": "changed"}


def test_working_tree_is_the_default_head(repo: GitRepo) -> None:
    with edited(
        repo,
        "argoproj/db/base/statefulset.yaml",
        lambda text: text.replace("serviceName: db", "serviceName: db\n  replicas: 5"),
    ):
        code, out = invoke(repo, "app", "db", "--base", "HEAD", "-o", "json")
    assert code == 1
    (db,) = json.loads(out)["apps"]
    assert [r["kind"] for r in db["resources"]] == ["StatefulSet"]
    assert "working tree" in db["compared"]


def test_secret_values_never_shown_offline(repo: GitRepo) -> None:
    with edited(
        repo,
        "argoproj/db/base/secret.yaml",
        lambda text: text.replace("s3cr3t-value", "n3w-s3cr3t"),
    ) as original:
        code, out = invoke(repo, "app", "db", "--base", "HEAD", "-o", "json")
    assert "s3cr3t-value" in original
    assert code == 1
    for secret in ("s3cr3t-value", "n3w-s3cr3t"):
        assert secret not in out
        assert base64.b64encode(secret.encode()).decode() not in out
    assert "value changed (hidden)" in out


def test_unknown_app_is_an_error_for_that_app_only(repo: GitRepo) -> None:
    code, out = invoke(
        repo, "app", "web", "nope", "--base", "HEAD~1", "--head", "HEAD", "-o", "json"
    )
    assert code == 2
    status = {a["name"]: (a["status"], a["error"]) for a in json.loads(out)["apps"]}
    assert status["web"][0] == "changed"
    assert status["nope"][0] == "error" and "no Application of that name" in status["nope"][1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("app", "web", "--head", "HEAD"), "--head needs --base"),
        (("app", "web", "--base", "HEAD", "--revision", "x"), "choose one target"),
        (("app",), "name at least one Application"),
        (("app", "web", "--revision", "abc"), "no Argo CD server"),
    ],
)
def test_usage_errors_are_clear(repo: GitRepo, args: tuple[str, ...], message: str) -> None:
    result = CliRunner().invoke(cli, [*args, "--repo", str(repo.path)], env={"ARGOCD_SERVER": ""})
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_affected_lists_apps_with_reasons_and_shards(repo: GitRepo) -> None:
    code, out = invoke(
        repo, "affected", "--base", "HEAD~1", "--head", "HEAD", "-o", "json", "--shards", "2"
    )
    assert code == 0
    doc = json.loads(out)
    assert [a["name"] for a in doc["apps"]] == ["web"]
    assert any("argoproj/web/base/deployment.yaml" in r for r in doc["apps"][0]["reasons"])
    assert doc["matrix"] == {"include": [{"shard": 1, "apps": "web"}]}


def test_fallback_to_offline_says_so(repo: GitRepo, tmp_path: Path) -> None:
    # Nothing listens on this port: the live run cannot start, so argodiff compares offline.
    result = CliRunner().invoke(
        cli,
        [
            "app",
            "web",
            "--revision",
            "HEAD",
            "--server",
            "http://127.0.0.1:9",
            "--fallback",
            "offline",
            "--retry-backoff",
            "0",
            "--request-timeout",
            "2",
            "-o",
            "json",
            "--repo",
            str(repo.path),
        ],
    )
    doc = json.loads(result.stdout)
    assert doc["mode"] == "offline"
    assert doc["notices"] and doc["notices"][0].startswith("FALLBACK")
    # The revision asked for is the head of the offline comparison.
    assert doc["revision"] == "HEAD"
    (web,) = doc["apps"]
    head = repo.git("rev-parse", "--short=7", "HEAD")
    assert web["compared"].endswith(f"→ HEAD ({head}) (both rendered locally)")


def test_offline_shows_removed_fields(repo: GitRepo) -> None:
    with edited(
        repo,
        "argoproj/infra/base/clusterrole.yaml",
        lambda text: text.replace("verbs: [get, list]", "verbs: [get]"),
    ):
        code, out = invoke(repo, "app", "infra", "--base", "HEAD", "-o", "json")
    assert code == 1
    (infra,) = json.loads(out)["apps"]
    (role,) = infra["resources"]
    assert "-  - list" in role["diff"]
    assert "--- base\n+++ head" in role["diff"]


def test_a_broken_local_source_is_an_error_not_unchanged(repo: GitRepo) -> None:
    with edited(
        repo, "argoproj/db/base/kustomization.yaml", lambda text: text + "  - missing.yaml\n"
    ):
        code, out = invoke(repo, "app", "db", "web", "--base", "HEAD", "-o", "json")
    assert code == 2
    apps = {a["name"]: a for a in json.loads(out)["apps"]}
    assert apps["db"]["status"] == "error"
    assert "missing.yaml" in apps["db"]["error"]
    assert apps["web"]["status"] == "unchanged"


def test_fallback_without_any_server_says_so(repo: GitRepo) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "app",
            "web",
            "--revision",
            "HEAD",
            "--fallback",
            "offline",
            "-o",
            "json",
            "--repo",
            str(repo.path),
        ],
        env={"ARGOCD_SERVER": ""},
    )
    doc = json.loads(result.stdout)
    assert doc["mode"] == "offline"
    assert doc["notices"][0].startswith("FALLBACK: no Argo CD server is configured")
