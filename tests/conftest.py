"""Shared fixtures: fixture git repositories and the Argo CD simulator serving them; and the
tools the suite runs (helm, kustomize), provided before anything is collected."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from argodiff import command
from tests.fixture_repo import GitRepo, base_files, pr_changes
from tests.simulator import Simulator
from tests.tools import Tools, provide

TOOLS = pytest.StashKey[Tools]()


def pytest_configure(config: pytest.Config) -> None:
    """helm and a kustomize on PATH for every test and every CLI the tests start (fetched into
    .cache/tools/ when missing: see tests/tools.py)."""
    config.stash[TOOLS] = provide()
    # A suite started in the background (`pytest &` in a script) inherits SIGINT ignored, and
    # so would every argodiff it starts: argodiff leaves an inherited SIG_IGN alone, as a
    # background job should. A handler here becomes SIG_DFL in children, so the Ctrl-C tests
    # see argodiff as a terminal user does however the suite was started.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_sessionstart(session: pytest.Session) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(session.config.stash[TOOLS].line())


@dataclass(frozen=True)
class GitOpsRepo:
    repo: GitRepo
    synced: str
    """The commit the simulated cluster runs."""
    pr: str
    """A later commit changing `web` (see tests/fixture_repo.py pr_changes)."""


@pytest.fixture(autouse=True)
def tool_environment() -> Iterator[None]:
    """A command run in-process hands its environment to the tools (`cli.main`); the next
    test starts from this process's again."""
    yield
    command.use_environment(os.environ)


@pytest.fixture(scope="module")
def gitops_repo(tmp_path_factory: pytest.TempPathFactory) -> GitOpsRepo:
    repo = GitRepo.init(tmp_path_factory.mktemp("gitops") / "repo")
    synced = repo.commit(base_files(), "three apps")
    pr = repo.commit(pr_changes(), "web: new image, ConfigMap renamed")
    return GitOpsRepo(repo, synced, pr)


@pytest.fixture(scope="module")
def simulator(gitops_repo: GitOpsRepo) -> Iterator[Simulator]:
    """One simulator per test module, synced to the fixture repo's first commit."""
    with Simulator(gitops_repo.repo.path, synced=gitops_repo.synced) as sim:
        yield sim


@pytest.fixture
def sim(simulator: Simulator) -> Iterator[Simulator]:
    """The module's simulator, with faults, denials, drift and the log reset for each test."""
    simulator.reset()
    yield simulator
    assert simulator.server_errors == [], "the simulator itself failed"
