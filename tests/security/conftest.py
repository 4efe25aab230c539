"""Fixtures of the security suite: the canary repository, an Argo CD simulator behind
Cloudflare Access with the canary token and live drift, and a mocked GitHub."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import responses

from tests.fixture_repo import GitRepo
from tests.github.conftest import FakeGitHub
from tests.security.canaries import ARGOCD_TOKEN, CF_CLIENT_ID, CF_SECRET, DRIFT, b64
from tests.security.gitops import base_files, pr_changes
from tests.security.harness import Cli, Fixture, PrJob, checkout
from tests.simulator import Access, Simulator


@pytest.fixture(scope="session")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> Fixture:
    repo = GitRepo.init(tmp_path_factory.mktemp("security") / "repo")
    base = repo.commit(base_files(), "secrets and payloads")
    pr = repo.commit(pr_changes(), "rotate every secret, change every payload")
    return Fixture(repo, base, pr)


@pytest.fixture(scope="session")
def simulator(fixture: Fixture) -> Iterator[Simulator]:
    with Simulator(fixture.repo.path, synced=fixture.base, token=ARGOCD_TOKEN) as sim:
        # kubectl apply: the live Secrets carry last-applied copies of their values.
        sim.cluster.apply_mode["vault"] = "client"
        yield sim


@pytest.fixture
def argocd(simulator: Simulator) -> Iterator[Simulator]:
    """The cluster runs the base commit, except that someone changed two Secrets by hand."""
    simulator.reset()
    simulator.access = Access(CF_CLIENT_ID, CF_SECRET)
    simulator.drift("vault", "Secret", "db-password", {"data": {"password": b64(DRIFT)}})
    simulator.drift("vault", "Secret", "api-token", {"data": {"token": b64(DRIFT)}})
    yield simulator
    assert simulator.server_errors == [], "the simulator itself failed"


@pytest.fixture
def workspace(fixture: Fixture, tmp_path: Path) -> Path:
    return checkout(fixture, tmp_path / "workspace")


@pytest.fixture
def github(fixture: Fixture) -> Iterator[FakeGitHub]:
    changed = fixture.repo.git("diff", "--name-only", fixture.base, fixture.pr).split()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        # Real HTTP to 127.0.0.1 only (also with a user:password@ part in the URL).
        rsps.add_passthru(re.compile(r"http://([^/@]*@)?127\.0\.0\.1[:/]"))
        fake = FakeGitHub(rsps, head_sha=fixture.pr)
        fake.files = [{"filename": f, "status": "modified"} for f in changed]
        fake.register()
        yield fake


@pytest.fixture
def cli(
    tmp_path: Path,
    github: FakeGitHub,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> Cli:
    """In-process runs; GitHub is the mock, and nothing but 127.0.0.1 is reachable."""
    home = tmp_path / "home"
    home.mkdir()
    return Cli(home, github, monkeypatch, capfd)


@pytest.fixture
def pr_job(fixture: Fixture, workspace: Path, cli: Cli) -> PrJob:
    return PrJob(fixture, workspace, cli)
