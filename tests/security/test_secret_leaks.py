"""No Secret value, Argo CD token, Cloudflare Access secret or GitHub token reaches any output
of a diff: live, local and offline `app` runs, the PR job and the report command.

Every output is searched for every canary (see canaries.find_leaks). The only place a
credential may appear is an `::add-mask::` line at the very start of a PR job's log, which is
how the runner is told to hide it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.github.conftest import FakeGitHub
from tests.security.canaries import (
    ARGOCD_TOKEN,
    CF_CLIENT_ID,
    CF_SECRET,
    DRIFT,
    GITHUB_TOKEN,
    SECRET_VALUES,
    find_leaks,
)
from tests.security.gitops import APPS
from tests.security.harness import Cli, Fixture, PrJob
from tests.security.leaks import action_inputs, assert_no_leak, connection_env
from tests.simulator import Simulator

pytestmark = pytest.mark.e2e

FORMATS = ("text", "json", "markdown")


def resources(app: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(r["change"], r["kind"], r["name"]) for r in app["resources"]}


def by_name(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["name"]: a for a in result["apps"]}


def assert_secrets_compared(result: dict[str, Any], *, masked: bool) -> None:
    """The run did look at the Secrets: the changes are there, only the values are not."""
    apps = by_name(result)
    vault = resources(apps["vault"])
    assert {("added", "Secret", "fresh"), ("removed", "Secret", "retired")} <= vault
    if masked:
        # Argo CD masked the live side: a changed value cannot be seen, only the note says so.
        notes = [n for r in apps["vault"]["resources"] for n in r.get("notes", [])]
        assert any("masked by Argo CD" in n for n in notes), notes
    else:
        changed = {("modified", "Secret", n) for n in ("db-password", "api-token", "listed")}
        assert changed <= vault
        assert ("modified", "Secret", "chart-credentials") in resources(apps["chart"])


# --- argodiff app ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_app_against_the_revision(
    cli: Cli, argocd: Simulator, fixture: Fixture, workspace: Path, fmt: str
) -> None:
    out = cli.run(
        ["app", *APPS, "--revision", fixture.pr, "-o", fmt],
        cwd=workspace,
        env=connection_env(argocd.url),
    )
    assert out.code == 1, out.stderr
    assert_no_leak(out)
    if fmt == "json":
        assert_secrets_compared(out.json(), masked=True)


@pytest.mark.parametrize("fmt", FORMATS)
def test_app_local_render_against_live_drift(
    cli: Cli, argocd: Simulator, workspace: Path, fmt: str
) -> None:
    """The target is the PR checkout in plaintext; the live side is masked and drifted. The
    credentials are given as options this time."""
    flags = ["--server", argocd.url, "--auth-token", ARGOCD_TOKEN]
    flags += ["--cf-access-client-id", CF_CLIENT_ID, "--cf-access-client-secret", CF_SECRET]
    out = cli.run(["app", *APPS, "--local", "-o", fmt, *flags], cwd=workspace)
    assert out.code == 1, out.stderr
    assert_no_leak(out)
    if fmt == "json":
        vault = resources(by_name(out.json())["vault"])
        assert {("added", "Secret", "fresh"), ("removed", "Secret", "retired")} <= vault


@pytest.mark.parametrize("fmt", FORMATS)
def test_app_offline_both_sides_in_plaintext(
    cli: Cli, fixture: Fixture, workspace: Path, fmt: str
) -> None:
    out = cli.run(["app", *APPS, "--base", fixture.base, "-o", fmt], cwd=workspace)
    assert out.code == 1, out.stderr
    assert_no_leak(out)
    if fmt == "json":
        assert_secrets_compared(out.json(), masked=False)
        notes = [n for r in by_name(out.json())["vault"]["resources"] for n in r["notes"]]
        assert "data.password: value changed (hidden)" in notes


def test_report_of_a_results_file(
    cli: Cli, fixture: Fixture, workspace: Path, tmp_path: Path
) -> None:
    offline = cli.run(["app", *APPS, "--base", fixture.base, "-o", "json"], cwd=workspace)
    results = tmp_path / "results.json"
    results.write_text(offline.stdout, encoding="utf-8")
    for fmt in FORMATS:
        out = cli.run(["report", str(results), "-o", fmt], cwd=workspace)
        assert out.code == 1, out.stderr
        assert "chart-credentials" in out.stdout
        assert_no_leak(out)


# --- argodiff pr ----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["revision", "local", "offline"])
def test_pr_job(argocd: Simulator, pr_job: PrJob, github: FakeGitHub, mode: str) -> None:
    out = pr_job.run(["pr"], action_inputs(argocd.url, mode))
    assert out.code == 0, out.stdout + out.stderr
    assert_no_leak(out, masked=(ARGOCD_TOKEN, CF_SECRET, GITHUB_TOKEN))
    assert len(out.comments()) == 1
    assert "vault" in out.comments()[0] and "fresh" in out.comments()[0]
    assert "fresh" in out.texts["step summary"]
    assert_secrets_compared(out.json("results file"), masked=mode != "offline")
    assert github.bodies() == out.comments()


def test_pr_job_edits_its_comment_and_report_reposts(
    argocd: Simulator, pr_job: PrJob, github: FakeGitHub
) -> None:
    """Every body sent to GitHub, created (POST) or edited (PATCH), by `pr` and `report --post`."""
    offline = pr_job.run(["pr"], action_inputs(argocd.url, "offline"))
    live = pr_job.run(["pr"], action_inputs(argocd.url, "revision"))
    results = pr_job.saved_results()
    reposted = pr_job.run(["report", str(results), "--post", "--instance", "lolice"])
    assert reposted.code == 1, reposted.stderr  # 1: there is a diff
    masked = (ARGOCD_TOKEN, CF_SECRET, GITHUB_TOKEN)
    assert_no_leak(offline, masked=masked)
    assert_no_leak(live, masked=masked)
    assert_no_leak(reposted)
    assert any("PATCH" in name for name in live.texts if name.startswith("comment"))
    assert len(github.bodies()) == 1


def test_the_repository_really_holds_every_secret_canary(fixture: Fixture) -> None:
    """The suite's own check: each Secret canary is in the GitOps repository (as written or
    base64-encoded), so a copy of it in any output would be found."""
    git = fixture.repo.git
    texts = {
        f"{rev}:{name}": git("show", f"{rev}:{name}")
        for rev in (fixture.base, fixture.pr)
        for name in git("ls-tree", "-r", "--name-only", rev).split()
    }
    found = {leak.canary for leak in find_leaks(texts)}
    assert found == set(SECRET_VALUES) - {DRIFT}
