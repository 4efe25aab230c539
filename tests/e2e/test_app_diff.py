"""`argodiff app --revision` end to end: the real CLI against the simulator and a git repo."""

from __future__ import annotations

import base64

import pytest

from tests.conftest import GitOpsRepo
from tests.e2e.cli import run_cli
from tests.simulator import Access, Simulator

pytestmark = pytest.mark.e2e

APPS = ("web", "db", "infra")


def test_unchanged_apps_show_no_difference_despite_defaults_and_status(
    sim: Simulator, gitops_repo: GitOpsRepo
) -> None:
    run = run_cli(sim, *APPS, revision=gitops_repo.synced, cwd=gitops_repo.repo.path)
    assert run.code == 0, run.stderr
    for name in APPS:
        app = run.app(name)
        assert (app["status"], app["error"], app["resources"]) == ("unchanged", None, [])
        assert (app["syncStatus"], app["healthStatus"]) == ("Synced", "Healthy")
    # What argodiff asked for: Argo CD renders the revision, per app and project.
    manifests = sim.log.all(route="manifests", app="db")
    assert [m.query["revision"] for m in manifests] == [[gitops_repo.synced]]
    assert manifests[0].query["project"] == ["data"]
    assert all(r.headers["authorization"] == f"Bearer {sim.token}" for r in sim.log.all())


def test_pr_revision_shows_exactly_the_change(sim: Simulator, gitops_repo: GitOpsRepo) -> None:
    run = run_cli(sim, *APPS, revision=gitops_repo.pr, cwd=gitops_repo.repo.path)
    assert run.code == 1, run.stderr
    assert run.changes("web") == {
        ("modified", "Deployment", "web"),
        ("added", "ConfigMap", "web-extra"),
        ("removed", "ConfigMap", "web-config"),
    }
    deployment = next(r for r in run.app("web")["resources"] if r["kind"] == "Deployment")
    assert set(deployment["paths"]) == {
        "spec.replicas",
        "spec.template.spec.containers[name=web].image",
    }
    assert "-  replicas: 2\n+  replicas: 3" in deployment["diff"]
    assert run.app("db")["status"] == run.app("infra")["status"] == "unchanged"


def test_live_drift_is_part_of_the_diff(sim: Simulator, gitops_repo: GitOpsRepo) -> None:
    sim.drift("web", "Deployment", "web", {"spec": {"replicas": 7}})
    sim.drift("web", "Service", "web", {"spec": {"sessionAffinity": "ClientIP"}})
    run = run_cli(sim, "web", revision=gitops_repo.synced, cwd=gitops_repo.repo.path)
    assert run.code == 1, run.stderr
    # Git sets replicas, so Argo CD would scale back; Git does not set sessionAffinity.
    assert run.changes("web") == {("modified", "Deployment", "web")}
    assert "-  replicas: 7\n+  replicas: 2" in run.app("web")["resources"][0]["diff"]


def test_secrets_and_the_token_never_reach_the_output(
    sim: Simulator, gitops_repo: GitOpsRepo
) -> None:
    # Someone replaced the key by hand: Argo CD would put POSTGRES_PASSWORD back.
    changed = base64.b64encode(b"rotated-by-hand").decode()
    patch = {"data": {"POSTGRES_PASSWORD": None, "PASSWORD": changed}}
    sim.drift("db", "Secret", "db-credentials", patch)
    run = run_cli(sim, "db", revision=gitops_repo.synced, cwd=gitops_repo.repo.path)
    assert run.code == 1, run.stderr
    assert run.changes("db") == {("modified", "Secret", "db-credentials")}
    assert "POSTGRES_PASSWORD" in run.app("db")["resources"][0]["diff"]
    output = run.stdout + run.stderr
    for secret in (
        sim.token,
        "s3cr3t-value",
        base64.b64encode(b"s3cr3t-value").decode(),
        "rotated-by-hand",
        changed,
    ):
        assert secret not in output


def test_a_failing_app_does_not_hide_the_others(sim: Simulator, gitops_repo: GitOpsRepo) -> None:
    sim.deny("db")
    run = run_cli(sim, *APPS, revision=gitops_repo.pr, cwd=gitops_repo.repo.path)
    assert run.code == 2
    assert run.app("db")["status"] == "error"
    assert "permission denied for application db" in run.app("db")["error"]
    assert run.app("web")["status"] == "changed" and len(run.app("web")["resources"]) == 3
    assert run.app("infra")["status"] == "unchanged"
    assert "Traceback" not in run.stderr


def test_unknown_revision_is_reported_per_app(sim: Simulator, gitops_repo: GitOpsRepo) -> None:
    run = run_cli(sim, "web", revision="0" * 40, cwd=gitops_repo.repo.path)
    assert run.code == 2
    assert run.app("web")["error"].startswith("Argo CD could not generate manifests for web: ")
    assert "Unable to resolve" in run.app("web")["error"]


def test_through_cloudflare_access(sim: Simulator, gitops_repo: GitOpsRepo) -> None:
    sim.access = Access("0123abcd.access", "cf-service-token-secret")
    good = ("--cf-access-client-id", "0123abcd.access")
    run = run_cli(
        sim,
        "web",
        revision=gitops_repo.pr,
        cwd=gitops_repo.repo.path,
        extra=(*good, "--cf-access-client-secret", "cf-service-token-secret"),
    )
    assert run.code == 1, run.stderr
    assert run.app("web")["status"] == "changed"
    assert {r.headers["cf-access-client-id"] for r in sim.log.all()} == {"0123abcd.access"}
    # A Service Auth policy answers a wrong secret with its 403 page (the fault matrix covers
    # the login redirect of an identity policy).
    sim.access = Access("0123abcd.access", "cf-service-token-secret", rejection="forbidden")
    refused = run_cli(
        sim,
        "web",
        revision=gitops_repo.pr,
        cwd=gitops_repo.repo.path,
        extra=(*good, "--cf-access-client-secret", "not-the-cf-secret"),
    )
    assert refused.code == 2
    assert "Cloudflare Access rejected the request" in refused.stderr
    assert "Traceback" not in refused.stderr
    for output in (run.stdout + run.stderr, refused.stdout + refused.stderr):
        assert "cf-service-token-secret" not in output and "not-the-cf-secret" not in output
