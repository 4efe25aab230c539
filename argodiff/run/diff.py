"""The runs behind `argodiff app`: live (Argo CD) and offline (two local renders) comparisons."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from argodiff import messages
from argodiff.argocd import ArgoClient
from argodiff.argocd.errors import ArgoError, NoServerAnswered, Unreachable
from argodiff.discover.affected import affected_apps
from argodiff.discover.applications import Discovery, discover_applications
from argodiff.errors import AppError, ConfigError
from argodiff.model import (
    Application,
    AppResult,
    AppStatus,
    ArgoSettings,
    Comparison,
    Lifecycle,
    Manifest,
    RenderedBy,
    RunResult,
    Side,
    SideKind,
)
from argodiff.render import Renderer
from argodiff.render.pair import render_pair
from argodiff.repo import git
from argodiff.repo.checkout import LocalRepo, checkout
from argodiff.run.jobs import Job, Notify, Progress, run_jobs
from argodiff.run.sides import (
    LIVE,
    NOTHING,
    Sides,
    comparing,
    local_source_revisions,
    result_of,
    revision_side,
)
from argodiff.settings import Connection


class Target:
    """Where the desired side of a live comparison comes from."""

    REVISION = "revision"  # Argo CD renders a git revision
    LOCAL = "local"  # argodiff renders the working tree
    CURRENT = "target"  # Argo CD's current target (what it would sync now)


def discovery_notices(found: Discovery) -> list[str]:
    return [messages.UNREADABLE(what=err) for err in found.errors]


def _by_name(apps: Sequence[Application]) -> dict[str, Application]:
    return {a.name: a for a in apps}


# --- live: Argo CD supplies the live state ---------------------------------------------------


def run_live(
    names: Sequence[str],
    conn: Connection,
    *,
    target: str,
    revision: str = "",
    local: LocalRepo | None = None,
    timeout: float | None = None,
    notify: Notify | None = None,
    progress: Progress | None = None,
    client: ArgoClient | None = None,
) -> RunResult:
    """Compare live state with the chosen target for each named app."""
    client = client or ArgoClient(conn, on_event=notify)
    server = client.connect()
    settings = client.settings()
    label = "working tree" if target == Target.LOCAL else revision
    run = RunResult(mode=target, server=server, revision=label)
    local_apps: dict[str, Application] = {}
    renderer: Renderer | None = None
    if target == Target.LOCAL:
        if local is None:
            raise ConfigError("--local needs a git checkout of the GitOps repository (see --repo)")
        found = discover_applications(local.root, local.apps_dir)
        run.notices += discovery_notices(found)
        local_apps = _by_name(found.apps)
        renderer = Renderer(local.root, identity=local.identity)

    def job(name: str) -> AppResult:
        app = client.get_application(name)
        resources = client.managed_resources(app)
        live = [r.live for r in resources if r.live is not None]
        if target == Target.REVISION:
            targets = manifests_at(client, app, revision, local)
            after, by = revision_side(revision), RenderedBy.ARGOCD
        elif target == Target.LOCAL:
            assert renderer is not None and local is not None
            local_app = local_apps.get(name)
            if local_app is None:
                raise AppError(f"not found under {local.apps_dir}/ in {local.root}", app=name)
            targets = renderer.render(local_app)
            app = _with_status(local_app, app)
            after, by = Side(SideKind.WORKTREE), RenderedBy.ARGODIFF
        else:
            targets = [r.target for r in resources if r.target is not None]
            after, by = Side(SideKind.TARGET), RenderedBy.ARGOCD
        compared = comparing(target, LIVE, after, by)
        return result_of(Sides(app, live, targets, compared), settings, url=client.app_url(app))

    run.apps = run_jobs(
        [Job(n, functools.partial(job, n)) for n in names],
        concurrency=conn.concurrency,
        timeout=timeout,
        on_done=progress,
    )
    return run


def _with_status(local_app: Application, live_app: Application) -> Application:
    """The working tree's definition of the app, with the cluster's sync and health status."""
    local_app.sync_status = live_app.sync_status
    local_app.health_status = live_app.health_status
    local_app.namespace = live_app.namespace
    return local_app


def manifests_at(
    client: ArgoClient, app: Application, revision: str, local: LocalRepo | None
) -> list[Manifest]:
    if not app.multi_source:
        return client.manifests(app, revision=revision)

    def is_local(index: int) -> bool:
        source = app.sources[index]
        if source.chart:
            return False  # a Helm chart repository, not git
        if local is None:
            return True  # no checkout to tell: every git source is taken as this repository
        return local.identity.is_local(source, local.root)

    positions = local_source_revisions(app, revision, is_local)
    return client.manifests(app, source_revisions=positions)


# --- offline: two local renders, no Argo CD -------------------------------------------------


def _ref_side(root: Path, ref: str) -> Side:
    """The commit `ref` names, with the name kept when it is not the SHA itself (`main`)."""
    sha = git.rev_parse(root, ref)
    return revision_side(sha, "" if sha.startswith(ref) else ref)


def run_offline(
    names: Sequence[str],
    repo: LocalRepo,
    *,
    base: str,
    head: str | None = None,
    all_apps: bool = False,
    timeout: float | None = None,
    concurrency: int = 4,
    progress: Progress | None = None,
    notices: Sequence[str] = (),
) -> RunResult:
    """REF vs the working tree (or vs `head`), both rendered locally from clean checkouts."""
    base_sha = git.rev_parse(repo.root, base)
    head_side = Side(SideKind.WORKTREE) if head is None else _ref_side(repo.root, head)
    run = RunResult(
        mode="offline", base=base_sha, revision=head or "working tree", notices=list(notices)
    )
    with checkout(repo, base_sha) as base_dir, checkout(repo, head) as head_dir:
        changed = (
            git.changed_files(repo.root, base_sha, head, from_merge_base=False)
            if all_apps and not names
            else None
        )
        return compare_trees(
            run,
            repo,
            base_dir,
            head_dir,
            names,
            changed=changed,
            compared=comparing(
                "offline", _ref_side(repo.root, base), head_side, RenderedBy.ARGODIFF
            ),
            timeout=timeout,
            concurrency=concurrency,
            progress=progress,
        )


def compare_trees(
    run: RunResult,
    repo: LocalRepo,
    base_dir: Path,
    head_dir: Path,
    names: Sequence[str],
    *,
    changed: Sequence[str] | None,
    compared: Comparison,
    timeout: float | None = None,
    concurrency: int = 4,
    progress: Progress | None = None,
) -> RunResult:
    """Diff two checkouts app by app. With `changed` files, only the apps they affect are
    rendered; the others are reported as skipped."""
    settings = ArgoSettings()
    base_found = discover_applications(base_dir, repo.apps_dir)
    head_found = discover_applications(head_dir, repo.apps_dir)
    run.notices += discovery_notices(head_found)
    base_apps, head_apps = _by_name(base_found.apps), _by_name(head_found.apps)
    wanted = list(names) or sorted(set(base_apps) | set(head_apps))
    affected: set[str] | None = None
    if changed is not None:
        found = affected_apps(
            base_found.apps, head_found.apps, changed, head_dir, repo.identity, base_root=base_dir
        )
        affected = {a.app.name for a in found}

    with (
        Renderer(base_dir, identity=repo.identity) as base_renderer,
        Renderer(head_dir, identity=repo.identity) as head_renderer,
    ):

        def job(name: str) -> AppResult:
            base_app, head_app = base_apps.get(name), head_apps.get(name)
            app = head_app or base_app
            if app is None:
                raise AppError(f"no Application of that name under {repo.apps_dir}/", app=name)
            if affected is not None and name not in affected:
                return AppResult(
                    name=name,
                    status=AppStatus.SKIPPED,
                    namespace=app.namespace,
                    project=app.project,
                    file=app.file,
                    compared=messages.NOT_AFFECTED(),
                )
            pair = render_pair(base_renderer, head_renderer, base_app, head_app)
            lifecycle = Lifecycle.EXISTING
            if base_app is None:
                lifecycle = Lifecycle.NEW
                compared_app = replace(compared, before=NOTHING)
            elif head_app is None:
                lifecycle = Lifecycle.DELETED
                compared_app = replace(compared, after=NOTHING)
            else:
                compared_app = compared
            sides = Sides(app, pair.live, pair.targets, compared_app, True, lifecycle)
            return result_of(sides, settings, warnings=pair.warnings)

        run.apps = run_jobs(
            [Job(n, functools.partial(job, n)) for n in wanted],
            concurrency=concurrency,
            timeout=timeout,
            on_done=progress,
        )
    return run


FALLBACK = messages.FALLBACK


def is_unreachable(exc: BaseException) -> bool:
    """No Argo CD server answered: the one failure an offline comparison may stand in for
    (a rejected token or a denied app must be seen, not papered over)."""
    return isinstance(exc, NoServerAnswered | Unreachable)


def run_with_fallback(
    live: Callable[[], RunResult],
    offline: Callable[[str], RunResult] | None,
) -> RunResult:
    """Run live; when no Argo CD server answers and a fallback is allowed, run the offline
    comparison instead and say so loudly."""
    try:
        return live()
    except ArgoError as exc:
        if offline is None or not is_unreachable(exc):
            raise
        return offline(FALLBACK(why=messages.UNREACHABLE(error=exc)))
