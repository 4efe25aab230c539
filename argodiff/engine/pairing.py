"""Pair desired and live objects by group/kind/namespace/name, as `argocd app diff` does
(v3.5 app_diff.go getComparisonObjects, controller NormalizeTargetObjects)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from argodiff.engine.kinds import (
    CLUSTER_SCOPED,
    annotations_of,
    group_kind,
    is_builtin,
    is_crd,
    metadata,
)
from argodiff.engine.tracking import is_tracked, set_app_instance
from argodiff.errors import AppError
from argodiff.model import Application, ArgoSettings, Manifest, ResourceKey

ARGO_HOOK = "argocd.argoproj.io/hook"
HELM_HOOK = "helm.sh/hook"


@dataclass
class Pair:
    key: ResourceKey
    live: Manifest | None
    target: Manifest | None


def is_hook(obj: Manifest) -> bool:
    """gitops-engine hook.IsHook: an Argo CD hook unless its only type is Skip; else a Helm
    hook unless it is `crd-install`. Hooks are not part of the compared state."""
    notes = annotations_of(obj)
    if ARGO_HOOK in notes:
        types = [t.strip() for t in str(notes[ARGO_HOOK]).split(",") if t.strip()]
        return types != ["Skip"]
    return HELM_HOOK in notes and notes[HELM_HOOK] != "crd-install"


def is_from_cluster(obj: Manifest) -> bool:
    """Live objects read from a cluster carry server-assigned fields; a local render does not."""
    meta = obj.get("metadata") or {}
    return bool(meta.get("uid") or meta.get("resourceVersion"))


class Scopes:
    """Which GroupKinds are namespaced.

    Argo CD's CLI learns this only from the live objects of the app, so a brand-new namespaced
    kind counts as cluster-scoped there and loses its namespace (a known parity quirk). Here
    CRDs in either list, the built-in table of cluster-scoped kinds and the live objects decide,
    and anything still unknown counts as namespaced.
    """

    def __init__(self, objects: list[Manifest], live: list[Manifest]) -> None:
        self._namespaced: dict[tuple[str, str], bool] = {}
        for obj in live:
            ns = str(metadata(obj).get("namespace") or "")
            if ns or is_from_cluster(obj):
                self._namespaced[group_kind(obj)] = bool(ns)
        for gk in CLUSTER_SCOPED:
            self._namespaced[gk] = False
        for obj in objects:
            spec = obj.get("spec")
            if is_crd(obj) and isinstance(spec, dict) and isinstance(spec.get("names"), dict):
                gk = (str(spec.get("group") or ""), str(spec["names"].get("kind") or ""))
                self._namespaced[gk] = spec.get("scope") != "Cluster"

    def namespaced(self, obj: Manifest) -> bool:
        return self._namespaced.get(group_kind(obj), True)


def _private_copy(obj: Manifest) -> Manifest:
    """What the engine may edit in place. A built-in object (small, and remarshalled) is copied
    whole through JSON, which also turns YAML's integer keys into strings as Argo CD's JSON has
    them. Other objects can be megabytes (a CRD, and its managedFields mirror its schema): only
    the metadata maps the engine edits are copied, everything else is changed by copying paths.
    """
    if is_builtin(obj) or group_kind(obj)[0] == "argoproj.io":
        copy: Manifest = json.loads(json.dumps(obj))
        return copy
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        return dict(obj)
    meta = dict(meta)
    for field in ("labels", "annotations"):
        if isinstance(meta.get(field), dict):
            meta[field] = dict(meta[field])
    return {**obj, "metadata": meta}


def _clone(obj: object, index: int, side: str, app: Application) -> Manifest:
    """A private JSON copy (the engine edits in place; callers keep their objects), checked."""
    where = f"{side} object {index + 1}"
    if not isinstance(obj, dict):
        raise AppError(
            f"{where} is a {type(obj).__name__}, not a mapping", app=app.name, file=app.file
        )
    try:
        copy = _private_copy(obj)
    except (TypeError, ValueError) as exc:
        raise AppError(f"{where} is not JSON data: {exc}", app=app.name, file=app.file) from None
    except RecursionError:
        raise AppError(f"{where} is nested too deeply", app=app.name, file=app.file) from None
    meta = copy.get("metadata")
    for field in ("apiVersion", "kind"):
        if not copy.get(field) or not isinstance(copy[field], str):
            raise AppError(f"{where} has no {field}", app=app.name, file=app.file)
    what = f"{where} ({copy['kind']})"
    if not isinstance(meta, dict):
        raise AppError(f"{what} has no metadata mapping", app=app.name, file=app.file)
    name, generate = meta.get("name"), meta.get("generateName")
    if not name or not isinstance(name, str):
        if not generate or not isinstance(generate, str):
            raise AppError(f"{what} has no metadata.name", app=app.name, file=app.file)
        meta["name"] = f"{generate}{index}"
    if not isinstance(meta.get("namespace") or "", str):
        raise AppError(f"{what} has a namespace that is not a string", app=app.name, file=app.file)
    return copy


def _place(obj: Manifest, scopes: Scopes, app: Application, settings: ArgoSettings) -> None:
    """Fill or clear the namespace, then stamp tracking where it is missing or now stale."""
    meta = metadata(obj)
    before = str(meta.get("namespace") or "")
    if not scopes.namespaced(obj):
        meta.pop("namespace", None)
    elif not before and app.destination_namespace:
        meta["namespace"] = app.destination_namespace
    if not is_tracked(obj, settings) or str(meta.get("namespace") or "") != before:
        set_app_instance(obj, app, settings, app.destination_namespace)


def _by_key(objects: list[Manifest]) -> dict[ResourceKey, Manifest]:
    """Hooks dropped; the last object with a key wins (Argo CD only warns on duplicates)."""
    out: dict[ResourceKey, Manifest] = {}
    for obj in objects:
        if not is_hook(obj):
            out[ResourceKey.of(obj)] = obj
    return out


def pair_objects(
    app: Application,
    targets: list[Manifest],
    live: list[Manifest],
    settings: ArgoSettings,
    live_app: Application | None = None,
) -> list[Pair]:
    """Every live object with its target (or None), then the targets that are not live.
    `live_app` places a rendered live side (an offline base) with the base's definition:
    a PR that moves the app to another namespace moves its objects."""
    target_objs = [_clone(o, i, "desired", app) for i, o in enumerate(targets)]
    live_objs = [_clone(o, i, "live", app) for i, o in enumerate(live)]
    scopes = Scopes(target_objs + live_objs, live_objs)
    for obj in target_objs:
        _place(obj, scopes, app, settings)
    for obj in live_objs:
        if not is_from_cluster(obj):
            _place(obj, scopes, live_app or app, settings)
    wanted = _by_key(target_objs)
    pairs = [Pair(key, obj, wanted.pop(key, None)) for key, obj in _by_key(live_objs).items()]
    pairs.extend(Pair(key, None, obj) for key, obj in wanted.items())
    return pairs
