"""Build each app's comparison for a mode: where the live side and the target side come from."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from argodiff import messages
from argodiff.argocd import ArgoClient
from argodiff.engine import diff_app, diff_mode
from argodiff.model import (
    Application,
    AppResult,
    AppStatus,
    ArgoSettings,
    Comparison,
    DiffMode,
    Lifecycle,
    Manifest,
    RenderedBy,
    ResourceDiff,
    ResourceKey,
    Side,
    SideKind,
)
from argodiff.run.modes import server_side_sides, wants_server_side


@dataclass(frozen=True)
class Sides:
    """The two sides of one app's comparison, and how to say what they are."""

    app: Application
    live: list[Manifest]
    targets: list[Manifest]
    comparison: Comparison
    offline: bool = False
    """`live` is a local render of the base revision, not the cluster."""
    lifecycle: Lifecycle = Lifecycle.EXISTING
    base_app: Application | None = None
    """Offline: the base revision's definition, which placed the `live` render."""


LIVE = Side(SideKind.LIVE)
NOTHING = Side(SideKind.NONE)


def revision_side(revision: str, ref: str = "") -> Side:
    return Side(SideKind.REVISION, revision, ref)


def comparing(mode: str, before: Side, after: Side, rendered_by: RenderedBy) -> Comparison:
    return Comparison(mode, before, after, rendered_by)


LIVE_LABELS = ("live", "predicted")
OFFLINE_LABELS = ("base", "head")
"""An offline run compares two renders, not the live cluster."""


def short(revision: str) -> str:
    return revision[:7] if len(revision) == 40 else revision


def result_of(
    sides: Sides,
    settings: ArgoSettings,
    *,
    url: str = "",
    warnings: list[str] | None = None,
    client: ArgoClient | None = None,
    server_side_diff: str = "auto",
) -> AppResult:
    """Diff one app the way Argo CD would: with `client`, apps that want a server-side diff
    (`server_side_diff` policy) get Argo CD's own; the others the engine's mode for them."""
    hidden: list[ResourceKey] = []
    mode = diff_mode(sides.app, renders=sides.offline)
    targets, live = sides.targets, sides.live
    # Nothing to dry-run when Git holds nothing for the app (everything would be pruned).
    live_run = not sides.offline and bool(sides.targets)
    if client is not None and live_run and wants_server_side(sides.app, server_side_diff):
        mode = DiffMode.SERVER_SIDE
        targets, live = server_side_sides(client, sides.app, targets, live, settings)
    diffs: list[ResourceDiff] = diff_app(
        sides.app,
        targets,
        live,
        settings,
        labels=OFFLINE_LABELS if sides.offline else LIVE_LABELS,
        mode=mode,
        hidden_secrets=hidden,
        live_app=sides.base_app,
    )
    notes = [messages.SECRET_MAY_HAVE_CHANGED(name=_named(k)) for k in hidden]
    return AppResult(
        name=sides.app.name,
        status=AppStatus.CHANGED if diffs else AppStatus.UNCHANGED,
        resources=diffs,
        namespace=sides.app.namespace,
        project=sides.app.project,
        sync_status=sides.app.sync_status,
        health_status=sides.app.health_status,
        url=url,
        comparison=sides.comparison,
        file=sides.app.file,
        warnings=[*(warnings or []), *notes],
        lifecycle=sides.lifecycle,
        diff_mode=mode.value,
        application_set=sides.app.generated_by.name if sides.app.generated_by else "",
    )


def _named(key: ResourceKey) -> str:
    return f"{key.namespace}/{key.name}" if key.namespace else key.name


def local_source_revisions(
    app: Application, revision: str, is_local: Callable[[int], bool]
) -> Mapping[int, str]:
    """1-based positions of a multi-source app's sources that come from this repository,
    each pinned to `revision` (GetManifests `revisions` + `sourcePositions`, Argo CD >= 2.11).
    Ref sources count: overriding them is how `$ref/...` value files follow the PR."""
    return {i + 1: revision for i, _ in enumerate(app.sources) if is_local(i)}
