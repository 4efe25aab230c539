"""`argodiff pr`: which apps a pull request (or a manual dispatch) touches, and their diffs."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from argodiff import messages
from argodiff.argocd import ArgoClient
from argodiff.argocd.errors import AppNotFound
from argodiff.discover.affected import AffectedApp, affected_apps
from argodiff.discover.applications import discover_applications
from argodiff.errors import AppError
from argodiff.model import (
    Application,
    AppResult,
    ArgoSettings,
    Lifecycle,
    Manifest,
    RenderedBy,
    RunResult,
    Side,
    SideKind,
)
from argodiff.render import Renderer
from argodiff.render.pair import render_pair
from argodiff.repo.checkout import LocalRepo
from argodiff.run.diff import discovery_notices, manifests_at
from argodiff.run.jobs import Job, Notify, Progress, run_jobs
from argodiff.run.sides import LIVE, NOTHING, Sides, comparing, result_of, revision_side
from argodiff.settings import Connection


class Mode:
    REVISION = "revision"  # Argo CD renders the PR head SHA (the default)
    LOCAL = "local"  # argodiff renders the checkout; live from Argo CD
    OFFLINE = "offline"  # base vs head, both rendered locally; no Argo CD

    ALL = (REVISION, LOCAL, OFFLINE)


@dataclass
class Selection:
    """The apps a run covers and why."""

    apps: list[AffectedApp] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    base_apps: dict[str, Application] = field(default_factory=dict)
    """The base revision's definition of each app, by name."""


def select_apps(
    repo: LocalRepo,
    base_dir: Path | None,
    changed: Sequence[str] | None,
    wanted: Sequence[str] | None,
) -> Selection:
    """`wanted` names (workflow_dispatch) or the apps the changed files affect (pull request)."""
    sel = Selection()
    head = discover_applications(repo.root, repo.apps_dir)
    sel.notices += discovery_notices(head)
    if base_dir is not None:
        base_apps = discover_applications(base_dir, repo.apps_dir).apps
    else:
        base_apps = head.apps
        sel.notices.append(messages.BASE_MISSING())
    sel.base_apps = {a.name: a for a in base_apps}
    if wanted is not None:
        by_name = {a.name: a for a in head.apps} | {
            a.name: a for a in base_apps if a.name not in {h.name for h in head.apps}
        }
        names = sorted(by_name) if wanted == ["all"] else list(wanted)
        for name in names:
            app = by_name.get(name) or Application(name=name)
            sel.apps.append(AffectedApp(app=app, state="changed", reasons=["requested"]))
        return sel
    sel.apps = affected_apps(
        base_apps, head.apps, list(changed or []), repo.root, repo.identity, base_root=base_dir
    )
    return sel


def diff_selection(
    sel: Selection,
    *,
    mode: str,
    repo: LocalRepo,
    base_dir: Path | None,
    head_sha: str,
    base_sha: str,
    conn: Connection | None,
    timeout: float | None,
    notify: Notify | None = None,
    progress: Progress | None = None,
    client: ArgoClient | None = None,
) -> RunResult:
    """Diff every selected app; a failing app is reported and the others go on."""
    run = RunResult(mode=mode, revision=head_sha, base=base_sha, notices=list(sel.notices))
    settings = ArgoSettings()
    if mode != Mode.OFFLINE:
        assert conn is not None
        client = client or ArgoClient(conn, on_event=notify)
        run.server = client.connect()
        settings = client.settings()
    cleanup = contextlib.ExitStack()
    head_renderer = cleanup.enter_context(Renderer(repo.root, identity=repo.identity))
    base_renderer = (
        cleanup.enter_context(Renderer(base_dir, identity=repo.identity)) if base_dir else None
    )

    def offline_job(item: AffectedApp) -> AppResult:
        if base_renderer is None:
            raise AppError(messages.NEEDS_BASE(), app=item.app.name)
        pair = render_pair(
            base_renderer,
            head_renderer,
            None if item.state == "added" else sel.base_apps.get(item.app.name, item.app),
            None if item.state == "deleted" else item.app,
        )
        lifecycle = _lifecycle(item)
        compared = comparing(
            mode,
            NOTHING if lifecycle is Lifecycle.NEW else revision_side(base_sha),
            NOTHING if lifecycle is Lifecycle.DELETED else revision_side(head_sha),
            RenderedBy.ARGODIFF,
        )
        sides = Sides(item.app, pair.live, pair.targets, compared, True, lifecycle)
        return result_of(sides, settings, warnings=pair.warnings)

    def live_job(item: AffectedApp) -> AppResult:
        assert client is not None
        try:
            app = client.get_application(item.app.name, project=item.app.project)
        except AppNotFound:
            if item.state == "deleted":
                nothing = comparing(mode, NOTHING, NOTHING, RenderedBy.ARGODIFF)
                return result_of(
                    Sides(item.app, [], [], nothing, lifecycle=Lifecycle.DELETED), settings
                )
            # A new app Argo CD does not know yet: show its local render as all-added.
            added = head_renderer.render(item.app)
            new = comparing(mode, NOTHING, revision_side(head_sha), RenderedBy.ARGODIFF)
            return result_of(Sides(item.app, [], added, new, lifecycle=Lifecycle.NEW), settings)
        live = [r.live for r in client.managed_resources(app) if r.live is not None]
        if item.state == "deleted":
            targets: list[Manifest] = []
            after, by = NOTHING, RenderedBy.ARGODIFF
        elif mode == Mode.LOCAL:
            targets = head_renderer.render(item.app)
            after, by = Side(SideKind.WORKTREE), RenderedBy.ARGODIFF
        else:
            targets = manifests_at(client, app, head_sha, repo)
            after, by = revision_side(head_sha), RenderedBy.ARGOCD
        return result_of(
            Sides(app, live, targets, comparing(mode, LIVE, after, by), lifecycle=_lifecycle(item)),
            settings,
            url=client.app_url(app),
        )

    job = offline_job if mode == Mode.OFFLINE else live_job
    workers = conn.concurrency if conn else 4
    with cleanup:
        run.apps = run_jobs(
            [Job(i.app.name, functools.partial(job, i)) for i in sel.apps],
            concurrency=workers,
            timeout=timeout,
            on_done=progress,
        )
    return run


def _lifecycle(item: AffectedApp) -> Lifecycle:
    if item.state == "added":
        return Lifecycle.NEW
    if item.state == "deleted":
        return Lifecycle.DELETED
    return Lifecycle.EXISTING
