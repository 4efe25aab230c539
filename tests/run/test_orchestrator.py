"""The orchestrator (`run.diff.execute`) on plans, with a fake Argo CD client and the real
renderer on plain directories: one round trip per app, settings beside the first apps, a wrong
guess asked again, new/deleted apps, the local target, offline skips, the run's own failure."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from argodiff.argocd import ArgoClient
from argodiff.argocd.errors import AppNotFound, TokenRejected
from argodiff.model import (
    Application,
    AppStatus,
    ArgoSettings,
    Change,
    Lifecycle,
    LiveResource,
    Manifest,
    ResourceKey,
    RunResult,
    Source,
)
from argodiff.redact import Redactor
from argodiff.repo.checkout import LocalRepo
from argodiff.repo.identity import RepoIdentity
from argodiff.run.diff import execute
from argodiff.run.plan import Plan, PlannedApp
from argodiff.settings import Connection, Mode

WAIT = 5.0
"""Seconds a fake answer waits for the requests that should be in flight with it."""


def configmap(name: str, value: str) -> Manifest:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": "apps"},
        "data": {"key": value},
    }


def app(name: str, project: str = "default") -> Application:
    source = Source(repo_url="https://example.com/gitops.git", path=f"apps/{name}")
    return Application(name=name, project=project, destination_namespace="apps", sources=[source])


class FakeArgo(ArgoClient):
    """Argo CD holding `apps` (each with one live ConfigMap, value `live`) and rendering every
    app at any revision with the value `pr`. With `together`, each app's three requests must
    all be in flight at once, and the settings must wait for the first app request: each
    answer waits (up to WAIT s) for the others, and fails if they never come."""

    def __init__(self, apps: list[Application], *, together: bool = False) -> None:
        conn = Connection(servers=("https://argocd.example.com",), auth_token="t")
        super().__init__(conn, redactor=Redactor(conn.secrets()))
        self.apps = {a.name: a for a in apps}
        self.together = together
        self.calls: list[tuple[str, str, str]] = []
        """(request, app, project) as asked."""
        self.namespaces: list[tuple[str, str, str]] = []
        """(request, app, namespace) of the managed-resources and manifests requests."""
        self.settings_error: Exception | None = None
        self._lock = threading.Lock()
        self._barriers: dict[str, threading.Barrier] = {}
        self._first_app = threading.Event()

    def connect(self) -> str:
        return "https://argocd.example.com"

    def settings(self) -> ArgoSettings:
        if self.together and not self._first_app.wait(WAIT):
            raise AssertionError("the settings were asked for before any app")
        if self.settings_error:
            raise self.settings_error
        return ArgoSettings()

    def _arrive(self, what: str, name: str, project: str) -> None:
        with self._lock:
            self.calls.append((what, name, project))
            barrier = self._barriers.setdefault(name, threading.Barrier(3, timeout=WAIT))
        self._first_app.set()
        if self.together:
            barrier.wait()  # BrokenBarrierError unless the app's three requests overlap

    def _found(self, name: str, project: str, namespace: str = "") -> Application:
        found = self.apps.get(name)
        if found is None or (project and project != found.project):
            raise AppNotFound(name, project, namespace)
        if namespace and namespace != found.namespace:
            raise AppNotFound(name, project, namespace)
        return found

    def get_application(self, name: str, *, project: str = "") -> Application:
        self._arrive("application", name, project)
        return self._found(name, project)

    def managed_resources(self, app: Application) -> list[LiveResource]:
        self._arrive("managed-resources", app.name, app.project)
        self.namespaces.append(("managed-resources", app.name, app.namespace))
        found = self._found(app.name, app.project, app.namespace)
        live = configmap(found.name, "live")
        return [LiveResource(ResourceKey.of(live), live, configmap(found.name, "target"))]

    def manifests(
        self,
        app: Application,
        *,
        revision: str = "",
        source_revisions: Mapping[int, str] | None = None,
    ) -> list[Manifest]:
        self._arrive("manifests", app.name, app.project)
        self.namespaces.append(("manifests", app.name, app.namespace))
        found = self._found(app.name, app.project, app.namespace)
        return [configmap(found.name, "pr")]

    def cluster(self, value: str, id_type: str = "url") -> dict[str, Any]:
        return {}


def data_change(result: Any) -> tuple[str, ...]:
    return tuple(str(r.change) for r in result.resources)


def live_plan(mode: Mode, apps: list[PlannedApp], root: Path | None = None) -> Plan:
    repo = LocalRepo(root, identity=RepoIdentity(urls=())) if root else None
    return Plan(mode, apps, repo=repo, head_dir=root, revision="a" * 40)


def test_each_apps_requests_go_out_together_and_settings_beside_them() -> None:
    names = [f"app{i}" for i in range(6)]
    client = FakeArgo([app(n) for n in names], together=True)
    plan = live_plan(Mode.REVISION, [PlannedApp(n, head=app(n)) for n in names])

    run = execute(plan, concurrency=3, client=client)

    assert [(a.name, a.status, a.error) for a in run.apps] == [
        (n, AppStatus.CHANGED, None) for n in names
    ]
    assert all(data_change(a) == ("modified",) for a in run.apps)
    # One request of each kind per app: nothing had to be asked again.
    assert sorted(w for w, n, _ in client.calls if n == "app0") == [
        "application",
        "managed-resources",
        "manifests",
    ]


def test_a_wrong_guess_is_asked_again_with_argo_cds_app() -> None:
    # The checkout's file leaves the namespace to the default; Argo CD has the app in `team`.
    in_team = app("db")
    in_team.namespace = "team"
    client = FakeArgo([in_team])
    plan = live_plan(Mode.REVISION, [PlannedApp("db", head=app("db"))])

    run = execute(plan, concurrency=1, client=client)

    (db,) = run.apps
    assert (db.status, db.error, data_change(db)) == (AppStatus.CHANGED, None, ("modified",))
    asked = [(what, ns) for what, name, ns in client.namespaces if what != "application"]
    assert sorted(asked) == [
        ("managed-resources", "argocd"),
        ("managed-resources", "team"),
        ("manifests", "argocd"),
        ("manifests", "team"),
    ]


def test_apps_named_without_a_checkout_are_asked_without_a_project() -> None:
    client = FakeArgo([app("db", project="data")])
    plan = live_plan(Mode.CURRENT, [PlannedApp("db")])

    run = execute(plan, concurrency=1, client=client)

    assert [(a.name, a.status, a.error) for a in run.apps] == [("db", AppStatus.CHANGED, None)]
    assert ("managed-resources", "db", "") in client.calls
    assert not [c for c in client.calls if c[0] == "manifests"]  # the current target


def test_a_new_app_argo_cd_does_not_know_is_rendered_locally(tmp_path: Path) -> None:
    (tmp_path / "apps" / "cache").mkdir(parents=True)
    (tmp_path / "apps" / "cache" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cache}\ndata: {key: new}\n"
    )
    client = FakeArgo([])
    new = PlannedApp("cache", head=app("cache"), lifecycle=Lifecycle.NEW)

    run = execute(live_plan(Mode.REVISION, [new], tmp_path), concurrency=1, client=client)

    (cache,) = run.apps
    assert (cache.status, cache.lifecycle, cache.error) == (AppStatus.CHANGED, Lifecycle.NEW, None)
    assert [(r.change, r.key.name) for r in cache.resources] == [(Change.ADDED, "cache")]


def test_a_deleted_app_that_is_not_deployed_has_nothing_to_remove() -> None:
    gone = PlannedApp("old", base=app("old"), lifecycle=Lifecycle.DELETED)

    run = execute(live_plan(Mode.REVISION, [gone]), concurrency=1, client=FakeArgo([]))

    (old,) = run.apps
    assert (old.status, old.lifecycle, old.resources) == (
        AppStatus.UNCHANGED,
        Lifecycle.DELETED,
        [],
    )


def test_local_mode_diffs_the_checkouts_render_with_the_clusters_status(tmp_path: Path) -> None:
    (tmp_path / "apps" / "web").mkdir(parents=True)
    (tmp_path / "apps" / "web" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, namespace: apps}\n"
        "data: {key: checkout}\n"
    )
    live = app("web")
    live.sync_status, live.health_status = "OutOfSync", "Healthy"
    plan = live_plan(Mode.LOCAL, [PlannedApp("web", head=app("web"))], tmp_path)

    run = execute(plan, concurrency=1, client=FakeArgo([live]))

    (web,) = run.apps
    assert (web.status, web.sync_status, web.health_status) == (
        AppStatus.CHANGED,
        "OutOfSync",
        "Healthy",
    )
    (diff,) = web.resources
    assert "checkout" in diff.diff and "live" in diff.diff


def test_offline_skips_unaffected_apps_and_needs_the_base(tmp_path: Path) -> None:
    repo = LocalRepo(tmp_path, identity=RepoIdentity(urls=()))
    plan = Plan(
        Mode.OFFLINE,
        [PlannedApp("quiet", head=app("quiet"), skip=True), PlannedApp("web", head=app("web"))],
        repo=repo,
        head_dir=tmp_path,
        base_dir=None,
    )

    run = execute(plan, concurrency=2)

    quiet, web = run.apps
    assert quiet.status is AppStatus.SKIPPED
    assert web.status is AppStatus.ERROR
    assert web.error == "offline comparison needs the PR base commit in the clone"


def test_settings_refused_fail_the_run_not_one_app() -> None:
    client = FakeArgo([app("web")])
    client.settings_error = TokenRejected("the settings came back as for an anonymous caller")
    plan = live_plan(Mode.REVISION, [PlannedApp("web", head=app("web"))])

    with pytest.raises(TokenRejected):
        execute(plan, concurrency=1, client=client)


def test_results_keep_the_plans_order(tmp_path: Path) -> None:
    names = ["c", "a", "b"]
    run: RunResult = execute(
        live_plan(Mode.CURRENT, [PlannedApp(n) for n in names]),
        concurrency=3,
        client=FakeArgo([app(n) for n in names]),
    )
    assert [a.name for a in run.apps] == names
