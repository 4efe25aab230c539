"""Each fault on each per-app endpoint argodiff calls: the CLI either retries its way to the
diff or reports the app's documented error, never a traceback, and the other apps' diffs are
still delivered (exit code 2 when one app failed).

One CLI run covers the whole matrix at once: each (endpoint, fault) pair hits its own app."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import GitOpsRepo
from tests.e2e.cli import CliRun, run_cli
from tests.fixture_repo import GitRepo, application
from tests.simulator import Fault, FaultKind, Simulator

pytestmark = pytest.mark.e2e

ENDPOINTS = {
    "application": "/api/v1/applications/{app}",
    "managed-resources": "/api/v1/applications/{app}/managed-resources",
    "manifests": "/api/v1/applications/{app}/manifests",
}
TIMEOUT = "1"
CF_SECRET = "cf-secret-never-shown"
MANIFEST_ERROR = "rpc error: code = Unknown desc = Manifest generation error (cached): boom"


@dataclass(frozen=True)
class Case:
    fault: dict[str, Any]
    expected: str
    """Text the app's error must hold; `{app}` and `{path}` are filled in."""
    retried: bool = False


CASES = {
    "timeout": Case(
        {"kind": FaultKind.LATENCY, "delay": 3.0}, "did not answer: no answer within 1 s", True
    ),
    "hang": Case({"kind": FaultKind.HANG}, "did not answer: no answer within 1 s", True),
    "error-500": Case(
        {"kind": FaultKind.ERROR, "status": 500, "code": 2, "message": MANIFEST_ERROR},
        MANIFEST_ERROR,
    ),
    "gateway-502": Case(
        {"kind": FaultKind.GATEWAY, "status": 502}, "did not answer: HTTP 502", True
    ),
    "gateway-503": Case(
        {"kind": FaultKind.GATEWAY, "status": 503}, "did not answer: HTTP 503", True
    ),
    "gateway-504": Case(
        {"kind": FaultKind.GATEWAY, "status": 504}, "did not answer: HTTP 504", True
    ),
    "gateway-524": Case(
        {"kind": FaultKind.GATEWAY, "status": 524}, "did not answer: HTTP 524", True
    ),
    "reset": Case({"kind": FaultKind.RESET}, "did not answer: ", True),
    "malformed": Case({"kind": FaultKind.MALFORMED}, "unexpected answer from {path}"),
    "truncated": Case({"kind": FaultKind.TRUNCATED}, "unexpected answer from {path}"),
    "token-401": Case(
        {
            "kind": FaultKind.ERROR,
            "status": 401,
            "code": 16,
            "message": "invalid session: token is expired",
        },
        "Argo CD rejected the token (401): invalid session: token is expired",
    ),
    "rbac-403": Case(
        {"kind": FaultKind.ERROR, "status": 403, "code": 7, "message": "permission denied"},
        "permission denied for application {app}",
    ),
    "access-302": Case(
        {"kind": FaultKind.ACCESS_REDIRECT}, "Cloudflare Access rejected the request"
    ),
    "access-403": Case(
        {"kind": FaultKind.ACCESS_FORBIDDEN}, "Cloudflare Access rejected the request"
    ),
}
HEALTHY = "healthy"


def app_for(route: str, case: str) -> str:
    return f"{route}-{case}"


APPS = [HEALTHY, *(app_for(route, case) for route in ENDPOINTS for case in CASES)]


def _files(value: str) -> dict[str, str]:
    files = {}
    for app in APPS:
        files[f"argoproj/{app}.yaml"] = application(app, app, path=f"apps/{app}")
        files[f"apps/{app}/cm.yaml"] = (
            f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {app}\ndata:\n  v: {value!r}\n"
        )
    return files


@dataclass
class Matrix:
    sim: Simulator
    repo: Path
    pr: str

    def run(self) -> CliRun:
        return run_cli(
            self.sim,
            *APPS,
            revision=self.pr,
            cwd=self.repo,
            extra=(
                "--request-timeout",
                TIMEOUT,
                "--concurrency",
                "64",
                "--cf-access-client-id",
                "id.access",
                "--cf-access-client-secret",
                CF_SECRET,
            ),
        )


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Any:
    repo = GitRepo.init(tmp_path_factory.mktemp("matrix") / "repo")
    synced = repo.commit(_files("1"), "apps")
    pr = repo.commit(_files("2"), "every app changes")
    with Simulator(repo.path, synced=synced) as sim:
        # Render everything once now, so no answer is slow for any reason but a fault.
        for app in sim.cluster.apps().values():
            sim.cluster.manifests(app, pr)
            sim.cluster.managed_resources(app)
        yield Matrix(sim, repo.path, pr)


@dataclass
class FailingRun:
    run: CliRun
    faults: dict[tuple[str, str], Fault]


@pytest.fixture(scope="module")
def failing(matrix: Matrix) -> FailingRun:
    """One run where every fault app fails at its endpoint, every time it asks."""
    matrix.sim.reset()
    faults = {
        (route, case): matrix.sim.fault(route=route, app=app_for(route, case), **spec.fault)
        for route in ENDPOINTS
        for case, spec in CASES.items()
    }
    return FailingRun(matrix.run(), faults)


def _params() -> list[Any]:
    return [
        pytest.param(route, case, id=f"{route}-{case}") for route in ENDPOINTS for case in CASES
    ]


@pytest.mark.parametrize(("route", "case"), _params())
def test_fault_ends_in_the_documented_error(failing: FailingRun, route: str, case: str) -> None:
    app = app_for(route, case)
    result = failing.run.app(app)
    assert result["status"] == "error"
    expected = CASES[case].expected.format(app=app, path=ENDPOINTS[route].format(app=app))
    if route == "manifests" and case == "error-500":
        expected = f"Argo CD could not generate manifests for {app}: {MANIFEST_ERROR}"
    assert expected in result["error"]


def test_the_other_apps_are_still_delivered(failing: FailingRun) -> None:
    run = failing.run
    assert run.code == 2
    assert run.app(HEALTHY)["status"] == "changed"
    assert run.changes(HEALTHY) == {("modified", "ConfigMap", HEALTHY)}
    assert "Traceback" not in run.stderr
    for secret in (CF_SECRET, "Bearer"):
        assert secret not in run.stdout + run.stderr


def test_only_what_may_succeed_is_retried(failing: FailingRun) -> None:
    """Timeouts, resets and proxy errors are tried again; Argo CD's own answers and broken
    bodies, which would be the same the next time, are not."""
    hits = {key: fault.hits for key, fault in failing.faults.items()}
    assert all(n >= 1 for n in hits.values()), hits
    assert {key for key, n in hits.items() if n > 1} == {
        (route, case) for route in ENDPOINTS for case, spec in CASES.items() if spec.retried
    }, hits


def test_a_fault_that_clears_is_retried_into_a_diff(matrix: Matrix) -> None:
    matrix.sim.reset()
    faults = {
        (route, case): matrix.sim.fault(
            route=route, app=app_for(route, case), times=1, **spec.fault
        )
        for route in ENDPOINTS
        for case, spec in CASES.items()
        if spec.retried
    }
    run = matrix.run()
    assert run.code == 1, run.stderr
    for (route, case), fault in faults.items():
        app = app_for(route, case)
        assert fault.hits == 1
        assert run.app(app)["status"] == "changed", run.app(app)["error"]
        assert run.changes(app) == {("modified", "ConfigMap", app)}
        assert any(r.status == 200 for r in matrix.sim.log.all(route=route, app=app))


RUN_LEVEL = {
    "version": (FaultKind.ACCESS_FORBIDDEN, {}, "Cloudflare Access rejected the request"),
    "userinfo": (
        FaultKind.ERROR,
        {"status": 401, "code": 16, "message": "invalid session: token is expired"},
        "Argo CD rejected the token (401): invalid session: token is expired",
    ),
    "settings": (FaultKind.MALFORMED, {}, "unexpected answer from /api/v1/settings"),
}


@pytest.mark.parametrize("route", RUN_LEVEL)
def test_run_level_endpoints_fail_the_run_with_a_clear_message(
    sim: Simulator, gitops_repo: GitOpsRepo, route: str
) -> None:
    kind, kwargs, expected = RUN_LEVEL[route]
    sim.fault(kind, route=route, **kwargs)
    run = run_cli(sim, "web", "db", revision=gitops_repo.pr, cwd=gitops_repo.repo.path)
    assert run.code == 2
    assert f"argodiff: error: {expected}" in run.stderr
    assert "Traceback" not in run.stderr
    if route != "settings":
        # A server that fails the probe gets no app requests; the settings are asked for
        # beside the first apps (one round trip less), so those apps' requests are out already.
        assert sim.log.count(route="manifests") == 0


def test_run_level_endpoints_are_retried(sim: Simulator, gitops_repo: GitOpsRepo) -> None:
    faults = [sim.fault(FaultKind.GATEWAY, route=r, status=503, times=1) for r in RUN_LEVEL]
    run = run_cli(sim, "web", "db", revision=gitops_repo.pr, cwd=gitops_repo.repo.path)
    assert run.code == 1, run.stderr
    assert [f.hits for f in faults] == [1, 1, 1]
    assert run.app("web")["status"] == "changed"
