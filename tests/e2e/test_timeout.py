"""`--timeout`: the run ends on time, the slow app is reported as not diffed, the others are."""

from __future__ import annotations

import pytest

from tests.conftest import GitOpsRepo
from tests.e2e.cli import run_cli
from tests.simulator import FaultKind, Simulator

pytestmark = pytest.mark.e2e


def test_slow_app_is_listed_as_not_diffed(sim: Simulator, gitops_repo: GitOpsRepo) -> None:
    sim.fault(FaultKind.LATENCY, route="manifests", app="db", delay=30)
    run = run_cli(
        sim,
        "web",
        "db",
        revision=gitops_repo.pr,
        cwd=gitops_repo.repo.path,
        extra=("--timeout", "3"),
    )
    assert run.code == 2, run.stderr
    assert run.app("web")["status"] == "changed"
    db = run.app("db")
    assert db["status"] == "error"
    # Had argodiff waited for the 30 s answer, db would have come back changed.
    assert "not diffed: the run's time limit (3 s) expired first" in db["error"]
