"""Which diff Argo CD would compute for an app, and the server-side one through its API.

controller/state.go (v3.5): server-side diff when the compare options say
`ServerSideDiff=true` (or the controller has it on for every app; `ServerSideDiff=false`
turns it off for one app), else structured merge when the app syncs with
`ServerSideApply=true`, else the three-way merge.
"""

from __future__ import annotations

from argodiff.argocd import ArgoClient
from argodiff.argocd.serverside import Aligned
from argodiff.engine.pairing import pair_objects
from argodiff.model import Application, ArgoSettings, Manifest

COMPARE_OPTIONS = "argocd.argoproj.io/compare-options"


def compare_options(app: Application) -> list[str]:
    return [o.strip() for o in app.annotations.get(COMPARE_OPTIONS, "").split(",") if o.strip()]


def wants_server_side(app: Application, policy: str) -> bool:
    """`auto`: the app's compare options ask for it. argodiff cannot see the controller's own
    `controller.diff.server.side` setting, so an app that relies on it needs `always`."""
    if policy in ("always", "never"):
        return policy == "always"
    options = compare_options(app)
    return "ServerSideDiff=true" in options and "ServerSideDiff=false" not in options


def _without_managed_fields(obj: Manifest | None) -> Manifest | None:
    """The dry run stamps new managedFields (times, operation): bookkeeping, not a change."""
    meta = obj.get("metadata") if obj is not None else None
    if obj is None or not isinstance(meta, dict) or "managedFields" not in meta:
        return obj
    return {**obj, "metadata": {k: v for k, v in meta.items() if k != "managedFields"}}


def server_side_sides(
    client: ArgoClient,
    app: Application,
    targets: list[Manifest],
    live: list[Manifest],
    settings: ArgoSettings,
) -> tuple[list[Manifest], list[Manifest]]:
    """(predicted, normalized live) objects as Argo CD's ServerSideDiff answers them.

    Resources pair as the engine pairs them (hooks left out, namespaces and tracking as the
    repo-server sets them), so `liveResources[i]` and `targetManifests[i]` line up. A resource
    Argo CD calls unmodified gets its live object on both sides."""
    pairs = pair_objects(app, targets, live, settings)
    answers = client.server_side_diff(app, [Aligned(p.key, p.live, p.target) for p in pairs])
    predicted: list[Manifest] = []
    normalized: list[Manifest] = []
    for answer in answers:
        after = _without_managed_fields(answer.predicted)
        before = _without_managed_fields(answer.live)
        if before is not None and after is not None and not answer.modified:
            after = before
        if after is not None:
            predicted.append(after)
        if before is not None:
            normalized.append(before)
    return predicted, normalized
