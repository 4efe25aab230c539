"""The Argo-faithful diff engine: desired and live objects in, per-resource diffs out.

Follows `argocd app diff` (v3.5, client-side mode): pairing and target normalization
(pairing.py), pre-diff normalization (tracking.py, ignore.py, normalize.py), the three-way
merge that predicts the live object after a sync (merge.py, defaults.py), Secret masking
(secrets.py), then paths and text (paths.py, render_diff.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from argodiff.engine import ignore, merge, normalize, secrets, structured
from argodiff.engine.defaults import apply_defaults
from argodiff.engine.display import for_display
from argodiff.engine.kinds import annotations_of, is_builtin, is_core
from argodiff.engine.pairing import Pair, pair_objects
from argodiff.engine.paths import changed_paths
from argodiff.engine.render_diff import render
from argodiff.engine.schema import Schemas
from argodiff.engine.tracking import normalize_tracking
from argodiff.errors import AppError
from argodiff.model import (
    Application,
    ArgoSettings,
    Change,
    DiffMode,
    Manifest,
    ResourceDiff,
    ResourceKey,
)

__all__ = ["diff_app", "diff_mode", "server_side_apply"]

SERVER_SIDE_APPLY = "ServerSideApply=true"


def server_side_apply(app: Application) -> bool:
    """The app syncs with server-side apply, so Argo CD diffs it by structured merge
    (controller/state.go: `SyncOptions.HasOption("ServerSideApply=true")`)."""
    return any(option.strip() == SERVER_SIDE_APPLY for option in app.sync_options)


def diff_mode(app: Application, *, renders: bool = False) -> DiffMode:
    """The mode the engine itself uses for `app` (server-side diff is Argo CD's, not ours)."""
    if renders:
        return DiffMode.OFFLINE
    return DiffMode.STRUCTURED_MERGE if server_side_apply(app) else DiffMode.THREE_WAY


def _prepare(obj: Manifest, rules: list[Any], remarshal: bool = True) -> Manifest:
    """remarshal then Normalize, including the ignore rules (step 2.1–2.2). The last-applied
    original is normalized without remarshal, as in gitops-engine."""
    if remarshal:
        normalize.remarshal(obj)
    normalize.normalize(obj)
    return ignore.apply_rules(obj, rules) if rules else obj


def _last_applied(live: Manifest, rules: list[Any]) -> Manifest | None:
    """The last-applied-configuration as `orig` (Normalize'd, not remarshalled), if valid JSON."""
    text = annotations_of(live).get(secrets.LAST_APPLIED)
    try:
        orig = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    return _prepare(orig, rules, remarshal=False) if isinstance(orig, dict) else None


def _for_merge(obj: Manifest) -> Manifest:
    """Step 3.1: orig and config lose metadata.namespace and null/empty annotations."""
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        return obj
    meta = {k: v for k, v in meta.items() if k != "namespace"}
    if not meta.get("annotations"):
        meta.pop("annotations", None)
    return {**obj, "metadata": meta}


def _predict(orig: Manifest, config: Manifest, live: Manifest) -> Manifest:
    orig, config = _for_merge(orig), _for_merge(config)
    if not is_builtin(live):
        result: Manifest = merge.json_merge(orig, config, live)
        return result
    kind = str(live.get("kind"))
    spec = live.get("spec")
    if kind == "StatefulSet" and isinstance(spec, dict) and "volumeClaimTemplates" in spec:
        # gitops-engine trims server-filled fields of the claim templates before merging.
        templates = (orig.get("spec") or {}).get("volumeClaimTemplates")
        spec["volumeClaimTemplates"] = merge.remove_map_fields(
            templates, spec["volumeClaimTemplates"]
        )
    predicted: Manifest = merge.strategic(kind, orig, config, live)
    apply_defaults(predicted)
    apply_defaults(live)
    return predicted


def _without_last_applied(obj: Manifest) -> Manifest:
    notes = annotations_of(obj)
    if secrets.LAST_APPLIED not in notes:
        return obj
    kept = {k: v for k, v in notes.items() if k != secrets.LAST_APPLIED}
    return {**obj, "metadata": {**obj["metadata"], "annotations": kept}}


def _predict_structured(
    config: Manifest, live: Manifest, schemas: Schemas
) -> tuple[Manifest, Manifest]:
    """(predicted, live) by structured merge (gitops-engine structuredMergeDiff): unchanged,
    live is both; changed, both lose the last-applied annotation and get the scheme defaults
    (normalizeTypedValue)."""
    resolved = schemas.resolve(config)
    merged = structured.apply(config, live, resolved.root, resolved.schema)
    if merged is None:
        return live, live
    predicted, live = _without_last_applied(merged), _without_last_applied(live)
    if is_builtin(live):
        apply_defaults(predicted)
        apply_defaults(live)
    return predicted, live


@dataclass(frozen=True)
class _AppScope:
    """What every resource of one app is diffed with (see diff_app)."""

    app: Application
    settings: ArgoSettings
    labels: tuple[str, str]
    renders: bool
    """The live side is a local render (offline), or the targets are already predicted."""
    schemas: Schemas | None
    """The schemas of a structured merge; None for the three-way merge."""
    hidden: list[ResourceKey]
    """Receives the Secrets whose value changes masking hides."""


def _diff_pair(pair: Pair, scope: _AppScope) -> ResourceDiff | None:
    live, target = pair.live, pair.target
    any_side = live if live is not None else target
    assert any_side is not None
    rules = ignore.matching_rules(any_side, scope.app, scope.settings)
    if live is not None and target is not None:
        normalize_tracking(live, target, scope.settings)
        live, target = ignore.ignore_managed_fields(live, target, rules)
    # The last-applied annotation plays no part in a structured merge.
    three_way = live is not None and target is not None and scope.schemas is None
    orig = _last_applied(live, rules) if three_way and live is not None else None
    live = _prepare(live, rules) if live is not None else None
    target = _prepare(target, rules) if target is not None else None
    secret = is_core(any_side, "Secret")
    masked = secret and (secrets.is_masked(live) or secrets.is_masked(target))
    if live is not None and target is not None:
        if secret and secrets.align_masked(live, target):
            scope.hidden.append(pair.key)
        # Two renders (an offline run): the base is no cluster object with server-set fields
        # to keep, so what the head renders is exactly what it would become.
        predicted: Manifest | None
        if scope.renders:
            predicted = target
        elif scope.schemas is not None:
            predicted, live = _predict_structured(target, live, scope.schemas)
        else:
            predicted = _predict(orig or target, target, live)
    else:
        predicted = target
    if predicted == live:
        return None
    notes: list[str] = []
    if secret:
        masker = secrets.Masker(
            [target, live, secrets.last_applied(target), secrets.last_applied(live)]
        )
        notes = secrets.secret_notes(live, predicted, masked)
        live, predicted = masker.mask(live), masker.mask(predicted)
    if live is None:
        change, paths = Change.ADDED, list[str]()
    elif predicted is None:
        change, paths = Change.REMOVED, []
    else:
        change, paths = Change.MODIFIED, changed_paths(pair.key.kind, live, predicted)
    text = render(pair.key, *for_display(live, predicted), scope.labels)
    return ResourceDiff(pair.key, change, text, paths, notes)


def _order(key: ResourceKey) -> str:
    """Argo CD v3.5 sorts the printed resources by `group/kind/namespace/name`."""
    return f"{key.group}/{key.kind}/{key.namespace}/{key.name}"


def diff_app(
    app: Application,
    targets: list[Manifest],
    live: list[Manifest],
    settings: ArgoSettings,
    *,
    labels: tuple[str, str] = ("live", "predicted"),
    renders: bool = False,
    mode: DiffMode | None = None,
    hidden_secrets: list[ResourceKey] | None = None,
    live_app: Application | None = None,
) -> list[ResourceDiff]:
    """The resources of `app` that would change, live -> predicted, in Argo CD's order.

    `labels` name the two sides in the unified diff's `---`/`+++` lines. With `renders`, `live`
    is a local render of the base revision, not the cluster (an offline run): fields the head
    drops are then removals, where against a live object they would be server-set and kept.

    `targets` are the desired objects (Argo CD's manifests, or a local render: then tracking is
    stamped here as the repo-server would); `live` the live objects (Argo CD's
    normalizedLiveState, or a local render of the base revision, placed with `live_app`, the
    base's definition, when given). Neither list is modified.
    `mode` (default: `diff_mode(app, renders)`) says how predicted objects come about:
    structured merge (what a server-side apply by argocd-controller gives, structured.py),
    the three-way merge, or, for `offline` and `server-side` (Argo CD's dry-run apply already
    gave the predicted objects as `targets`), the targets as they are.
    Raises AppError (naming the app and its file) on objects that cannot be diffed.
    `hidden_secrets` receives the Secrets whose values Argo CD masked so that a value change
    cannot be seen (both sides hold a key, and either side is masked).
    """
    mode = mode or diff_mode(app, renders=renders)
    scope = _AppScope(
        app,
        settings,
        labels,
        renders=mode in (DiffMode.OFFLINE, DiffMode.SERVER_SIDE),
        schemas=Schemas([*targets, *live]) if mode is DiffMode.STRUCTURED_MERGE else None,
        hidden=hidden_secrets if hidden_secrets is not None else [],
    )
    out = []
    for pair in pair_objects(app, targets, live, settings, live_app):
        try:
            result = _diff_pair(pair, scope)
        except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as exc:
            raise AppError(
                f"cannot diff {pair.key}: {type(exc).__name__}: {exc}", app=app.name, file=app.file
            ) from None
        if result is not None:
            out.append(result)
    return sorted(out, key=lambda r: _order(r.key))
