"""The one orchestrator: run a plan's apps as concurrent jobs, each diffed from its two sides.

A live job takes the live side from Argo CD and the target side from Argo CD (a revision, or
its current target) or from a local render; an offline job renders both sides locally. Any
failure costs its app only; the other apps are still diffed and reported.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import re
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

from argodiff import background, messages
from argodiff.appsets import outcome
from argodiff.argocd import ArgoClient
from argodiff.argocd.clusters import server_render_options
from argodiff.argocd.errors import AppNotFound
from argodiff.discover.applications import discover_applications
from argodiff.errors import AppError
from argodiff.model import (
    Application,
    AppResult,
    AppStatus,
    ArgoSettings,
    Lifecycle,
    Manifest,
    RenderedBy,
    RunResult,
    Side,
    SideKind,
)
from argodiff.render import Renderer, RenderOptions
from argodiff.render.argocdcm import adopt_repo_build_options
from argodiff.render.options import render_notices
from argodiff.render.pair import render_pair
from argodiff.repo.checkout import LocalRepo, head_commit
from argodiff.run.fetch import fetch
from argodiff.run.jobs import Job, Progress, run_jobs
from argodiff.run.plan import Plan, PlannedApp
from argodiff.run.sides import (
    LIVE,
    NOTHING,
    Sides,
    comparing,
    result_of,
    revision_side,
)
from argodiff.settings import Mode
from argodiff.suggest import did_you_mean


def execute(
    plan: Plan,
    *,
    concurrency: int,
    client: ArgoClient | None = None,
    timeout: float | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Diff every app of the plan, `concurrency` at a time, within `timeout` seconds; a live
    plan asks Argo CD through `client`."""
    run = RunResult(
        mode=plan.mode.value, revision=plan.revision, base=plan.base, notices=list(plan.notices)
    )
    options = plan.repo.render if plan.repo else RenderOptions()
    with contextlib.ExitStack() as stack:
        job: Callable[[PlannedApp], AppResult]
        settings: Future[ArgoSettings] | None = None
        if plan.mode is Mode.OFFLINE:
            head = _renderer(
                stack, plan.head_dir, plan.repo, options, _commit(plan.head_side, plan)
            )
            base = _renderer(
                stack, plan.base_dir, plan.repo, options, _commit(plan.base_side, plan)
            )
            if plan.head_dir is not None and plan.repo is not None:
                every = discover_applications(
                    plan.head_dir, plan.repo.apps_dir, plan.repo.appsets
                ).apps
                run.notices += adopt_repo_build_options([head, base], every)
            job = functools.partial(_offline_job, plan, base, head)
            # The build options adopted from the repository's argocd-cm, if any.
            used, renderers = head.options if head else options, [base, head]
        else:
            if client is None:
                raise ValueError("a live run needs an Argo CD client")
            run.server = client.connect()
            # The settings are needed only to diff and to render locally: they are asked for
            # beside the first apps.
            settings = background.start(client.settings)
            server = _ServerOptions(client, settings, options)
            commit = _commit(plan.head_side, plan)
            local = _OnFirstUse(
                lambda: _renderer(stack, plan.head_dir, plan.repo, server.get(), commit)
            )
            job = functools.partial(
                _live_job,
                plan,
                client,
                settings,
                local,
                server_side_diff=client.connection.server_side_diff,
            )
        run.apps = run_jobs(
            [
                Job(
                    p.name,
                    functools.partial(job, p),
                    file=p.definition.file,
                    url=client.app_url(p.definition) if client else "",
                )
                for p in plan.apps
            ],
            concurrency=concurrency,
            timeout=timeout,
            on_done=progress,
        )
        if settings is not None:
            made = local.made()
            used = made.options if made else server.get_if_known()
            renderers = [made]
        run.notices += render_notices(used, renderers)
    run.apps += plan.appsets
    failure = settings.exception() if settings is not None and settings.done() else None
    if failure is not None:
        # Without the settings no app could be diffed: the run's failure, as before any app.
        raise failure
    return run


def _renderer(
    stack: contextlib.ExitStack,
    root: Path | None,
    repo: LocalRepo | None,
    options: RenderOptions,
    revision: str,
) -> Renderer | None:
    if root is None or repo is None:
        return None
    renderer = Renderer(root, identity=repo.identity, options=options, revision=revision)
    return stack.enter_context(renderer)


_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


def _commit(side: Side, plan: Plan) -> str:
    """The commit a side renders, for `$ARGOCD_APP_REVISION`: its SHA, or for the working
    tree (and the demo's edited copy) the commit checked out under it. Rendered trees are
    exports without `.git`, so the plan says which commit they are."""
    if side.kind is SideKind.REVISION and _SHA.match(side.revision):
        return side.revision
    return head_commit(plan.repo.root) if plan.repo is not None else ""


class _ServerOptions:
    """The render options Argo CD's settings imply (its namespace, its build options, each
    destination cluster's capabilities), once the settings have answered."""

    def __init__(
        self, client: ArgoClient, settings: Future[ArgoSettings], local: RenderOptions
    ) -> None:
        self._client, self._settings, self._local = client, settings, local

    def get(self) -> RenderOptions:
        return server_render_options(self._client.cluster, self._settings.result(), self._local)

    def get_if_known(self) -> RenderOptions:
        """As `get`, without waiting (the run's notices): the local options until then."""
        if self._settings.done() and self._settings.exception() is None:
            return self.get()
        return self._local


class _OnFirstUse:
    """The checkout's renderer, made when a live job first renders locally (`--local`, or an
    app Argo CD does not know): only then does it wait for the settings its options need."""

    def __init__(self, make: Callable[[], Renderer | None]) -> None:
        self._make = make
        self._lock = threading.Lock()
        self._done = False
        self._renderer: Renderer | None = None

    def __call__(self) -> Renderer | None:
        with self._lock:
            if not self._done:
                self._renderer, self._done = self._make(), True
            return self._renderer

    def made(self) -> Renderer | None:
        with self._lock:
            return self._renderer


def _live_job(
    plan: Plan,
    client: ArgoClient,
    settings: Future[ArgoSettings],
    local: Callable[[], Renderer | None],
    item: PlannedApp,
    *,
    server_side_diff: str,
) -> AppResult:
    mode = plan.mode.value
    guess = item.head or item.base or Application(name=item.name, project="")
    rendered: Future[list[Manifest]] | None = None
    if plan.mode is Mode.LOCAL and item.lifecycle is not Lifecycle.DELETED and item.head:
        # The local render goes on while Argo CD answers.
        definition = item.head
        rendered = background.start(lambda: _render(local, definition))
    asks_manifests = plan.mode is Mode.REVISION and item.lifecycle is not Lifecycle.DELETED
    try:
        answers = fetch(
            client,
            guess,
            revision=plan.revision if asks_manifests else None,
            repo=plan.repo,
        )
    except AppNotFound:
        if item.lifecycle is Lifecycle.DELETED:
            nothing = comparing(mode, NOTHING, NOTHING, RenderedBy.ARGODIFF)
            return result_of(
                Sides(item.definition, [], [], nothing, lifecycle=Lifecycle.DELETED),
                settings.result(),
            )
        if item.head is None or local() is None:
            raise
        # A new app Argo CD does not know yet: its local render, all added.
        added = rendered.result() if rendered else _render(local, item.head)
        new = comparing(mode, NOTHING, plan.head_side, RenderedBy.ARGODIFF)
        sides = Sides(item.head, [], added, new, lifecycle=Lifecycle.NEW)
        return result_of(sides, settings.result(), warnings=outcome.live_warnings(item.head, None))
    app = answers.app
    app.file = app.file or item.definition.file
    live = [r.live for r in answers.resources if r.live is not None]
    targets: list[Manifest]
    if item.lifecycle is Lifecycle.DELETED:
        targets, after, by = [], NOTHING, RenderedBy.ARGODIFF
    elif plan.mode is Mode.LOCAL:
        if item.head is None or rendered is None:
            where = f"{plan.repo.apps_dir}/ in {plan.repo.root}" if plan.repo else "the checkout"
            raise AppError(
                f"not found under {where}{did_you_mean(item.name, plan.known)}", app=item.name
            )
        targets = rendered.result()
        app = _with_status(item.head, app)
        after, by = Side(SideKind.WORKTREE), RenderedBy.ARGODIFF
    elif plan.mode is Mode.REVISION:
        targets = answers.manifests or []
        after, by = revision_side(plan.revision), RenderedBy.ARGOCD
    else:
        targets = [r.target for r in answers.resources if r.target is not None]
        after, by = Side(SideKind.TARGET), RenderedBy.ARGOCD
    comparison = comparing(mode, LIVE, after, by)
    result = result_of(
        Sides(app, live, targets, comparison, lifecycle=item.lifecycle),
        settings.result(),
        url=client.app_url(app),
        client=client,
        server_side_diff=server_side_diff,
        warnings=outcome.live_warnings(item.head, app) if item.head else [],
    )
    # Argo CD's copy of a generated app does not know its ApplicationSet; the checkout does.
    result.application_set = result.application_set or outcome.appset_of(item.definition)
    return result


def _render(local: Callable[[], Renderer | None], app: Application) -> list[Manifest]:
    renderer = local()
    if renderer is None:
        raise AppError("no checkout to render it from", app=app.name)
    return renderer.render(app)


def _with_status(local_app: Application, live_app: Application) -> Application:
    """The checkout's definition of the app, with the cluster's sync and health status."""
    return dataclasses.replace(
        local_app,
        sync_status=live_app.sync_status,
        health_status=live_app.health_status,
        namespace=live_app.namespace,
    )


def _offline_job(
    plan: Plan, base: Renderer | None, head: Renderer | None, item: PlannedApp
) -> AppResult:
    app = item.definition
    if item.skip:
        return AppResult(
            name=item.name,
            status=AppStatus.SKIPPED,
            namespace=app.namespace,
            project=app.project,
            file=app.file,
            compared=messages.NOT_AFFECTED(),
            application_set=outcome.appset_of(app),
        )
    if item.head is None and item.base is None:
        where = plan.repo.apps_dir if plan.repo else "the apps directory"
        raise AppError(
            f"no Application of that name under {where}/{did_you_mean(item.name, plan.known)}",
            app=item.name,
        )
    if base is None or head is None:
        raise AppError(messages.NEEDS_BASE(), app=item.name)
    pair = render_pair(base, head, item.base, item.head)
    comparison = comparing(
        plan.mode.value,
        NOTHING if item.lifecycle is Lifecycle.NEW else plan.base_side,
        NOTHING if item.lifecycle is Lifecycle.DELETED else plan.head_side,
        RenderedBy.ARGODIFF,
    )
    sides = Sides(
        app, pair.live, pair.targets, comparison, True, item.lifecycle, base_app=item.base
    )
    return result_of(sides, ArgoSettings(), warnings=pair.warnings)
