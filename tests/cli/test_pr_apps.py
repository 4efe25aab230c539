"""`argodiff pr` (revision mode) on apps that come and go: a new app Argo CD does not know yet
is shown all-added from a local render; an app the PR deletes is shown all-removed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from argodiff.argocd import ArgoClient
from argodiff.github.event import Request
from argodiff.model import AppStatus, Change, Lifecycle, RenderedBy, RunResult, SideKind
from argodiff.redact import Redactor
from argodiff.repo import git
from argodiff.repo.checkout import LocalRepo
from argodiff.repo.identity import RepoIdentity
from argodiff.run import plan
from argodiff.run.diff import execute
from argodiff.settings import Connection, Mode
from tests.fixture_repo import CONFIGMAP, GitRepo, application, base_files, kustomization
from tests.simulator import Simulator

NEW_APP = {
    "argoproj/cache/application.yaml": application("cache", "cache"),
    "argoproj/cache/overlays/prod/kustomization.yaml": kustomization("configmap.yaml"),
    "argoproj/cache/overlays/prod/configmap.yaml": CONFIGMAP.replace("web-config", "cache"),
}
GONE = [name for name in base_files() if name.startswith("argoproj/infra/")]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunResult]:
    repo = GitRepo.init(tmp_path_factory.mktemp("pr-apps") / "repo")
    base = repo.commit(base_files(), "three apps")
    head = repo.commit({**NEW_APP, **dict.fromkeys(GONE)}, "add cache, remove infra")
    local = LocalRepo(repo.path, identity=RepoIdentity(urls=()))
    changed = git.changed_files(repo.path, base, head)
    req = Request(head_sha=head, base_sha=base, changed=changed)
    with (
        Simulator(repo.path, synced=base) as sim,
        plan.pull_request(local, req, Mode.REVISION) as pr,
    ):
        conn = Connection(servers=(sim.url,), auth_token=sim.token, retry_backoff=0)
        yield execute(
            pr,
            client=ArgoClient(conn, redactor=Redactor(conn.secrets())),
            concurrency=conn.concurrency,
        )


def test_only_the_apps_that_come_and_go(run: RunResult) -> None:
    assert sorted(a.name for a in run.apps) == ["cache", "infra"]


def test_new_app_is_all_added_from_a_local_render(run: RunResult) -> None:
    (cache,) = [a for a in run.apps if a.name == "cache"]
    assert cache.status is AppStatus.CHANGED
    assert [(r.change, r.key.kind, r.key.name) for r in cache.resources] == [
        (Change.ADDED, "ConfigMap", "cache")
    ]
    assert cache.lifecycle is Lifecycle.NEW
    assert cache.comparison is not None
    assert cache.comparison.before.kind is SideKind.NONE
    assert cache.comparison.rendered_by is RenderedBy.ARGODIFF


def test_deleted_app_is_all_removed(run: RunResult) -> None:
    (infra,) = [a for a in run.apps if a.name == "infra"]
    assert infra.status is AppStatus.CHANGED
    assert {(r.change, r.key.kind) for r in infra.resources} == {
        (Change.REMOVED, "Namespace"),
        (Change.REMOVED, "ClusterRole"),
    }
    assert infra.lifecycle is Lifecycle.DELETED
    assert infra.comparison is not None
    assert infra.comparison.after.kind is SideKind.NONE
