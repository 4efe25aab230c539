"""Predict the live object after a sync: gitops-engine ThreeWayDiff (pkg/diff/diff.go).

Built-in kinds merge strategically (lists with a patch merge key merge item by item);
everything else takes RemoveMapFields + a three-way JSON merge patch. Deletions are the
fields of `orig` (last-applied-configuration, or the config itself) that config dropped;
fields only live has (server defaults, status, uid…) are never touched.
Functions return new containers only where they change something and share the rest.
"""

from __future__ import annotations

from typing import Any

NAME_KEYED = frozenset(
    {
        "containers",
        "initContainers",
        "ephemeralContainers",
        "volumes",
        "env",
        "imagePullSecrets",
        "resourceClaims",
        "schedulingGates",
        "webhooks",
        "secrets",
    }
)
FIELD_KEYS = {
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "hostAliases": "ip",
    "topologySpreadConstraints": "topologyKey",
    "ownerReferences": "uid",
}
CONTAINER_LISTS = frozenset({"containers", "initContainers", "ephemeralContainers"})
SET = "<set>"


def merge_key(kind: str, path: tuple[str, ...]) -> str | None:
    """The patchMergeKey of the list at `path` (list positions left out), from the Go structs."""
    field = path[-1]
    if field in NAME_KEYED:
        return "name"
    if field in FIELD_KEYS:
        return FIELD_KEYS[field]
    if field == "finalizers" and path == ("metadata", "finalizers"):
        return SET
    if field == "ports" and len(path) > 1 and path[-2] in CONTAINER_LISTS:
        return "containerPort"
    if field == "ports" and kind == "Service" and path == ("spec", "ports"):
        return "port"
    return None


def _index(items: list[Any], key: str) -> dict[Any, Any] | None:
    """Items by merge key, or None when an item lacks the key or a key repeats."""
    out: dict[Any, Any] = {}
    for item in items:
        if not isinstance(item, dict) or key not in item:
            return None
        marker = repr(item[key])
        if marker in out:
            return None
        out[marker] = item
    return out


def _strategic_list(
    kind: str, orig: Any, config: list[Any], live: list[Any], path: tuple[str, ...]
) -> list[Any]:
    key = merge_key(kind, path)
    if key == SET:
        dropped = [x for x in orig if x not in config] if isinstance(orig, list) else []
        return [x for x in live if x not in dropped] + [x for x in config if x not in live]
    config_by = _index(config, key) if key else None
    live_by = _index(live, key) if key else None
    if not key or config_by is None or live_by is None:
        return config
    orig_by = (_index(orig, key) if isinstance(orig, list) else None) or {}
    out = []
    for marker, item in live_by.items():
        if marker in config_by:
            out.append(strategic(kind, orig_by.get(marker), config_by[marker], item, path))
        elif marker not in orig_by:
            out.append(item)
    out.extend(item for marker, item in config_by.items() if marker not in live_by)
    return out


def strategic(kind: str, orig: Any, config: Any, live: Any, path: tuple[str, ...] = ()) -> Any:
    """Strategic three-way merge (CreateThreeWayMergePatch then StrategicMergePatch)."""
    if config == live:
        return live
    if isinstance(config, dict) and isinstance(live, dict):
        out = dict(live)
        for key, value in config.items():
            if key in live and live[key] == value:
                continue
            if value is None:
                out.pop(key, None)
            elif key in live:
                sub_orig = orig.get(key) if isinstance(orig, dict) else None
                out[key] = strategic(kind, sub_orig, value, live[key], (*path, key))
            else:
                out[key] = value
        if isinstance(orig, dict):
            for key in orig:
                if key not in config:
                    out.pop(key, None)
        return out
    if isinstance(config, list) and isinstance(live, list) and path:
        return _strategic_list(kind, orig, config, live, path)
    return config


def remove_map_fields(config: Any, live: Any) -> Any:
    """gitops-engine json.RemoveMapFields: keep only what config has (lists by index)."""
    if config is live or config == live:
        return live
    if isinstance(config, dict) and isinstance(live, dict):
        return {
            k: live[k] if live[k] is None else remove_map_fields(v, live[k])
            for k, v in config.items()
            if k in live
        }
    if isinstance(config, list) and isinstance(live, list):
        return [
            remove_map_fields(config[i], item) if i < len(config) and item is not None else item
            for i, item in enumerate(live)
        ]
    return live


_UNCHANGED = object()


def _merge_patch(source: Any, target: Any) -> Any:
    """RFC 7386 patch turning source into target (`_UNCHANGED` when they are equal)."""
    if source == target:
        return _UNCHANGED
    if not isinstance(source, dict) or not isinstance(target, dict):
        return target
    patch: dict[str, Any] = {k: None for k in source if k not in target}
    for key, value in target.items():
        sub = _merge_patch(source[key], value) if key in source else value
        if sub is not _UNCHANGED:
            patch[key] = sub
    return patch


def _split(patch: Any, deletions: bool) -> Any:
    """The deletions of a patch (its null leaves) or the rest (additions and changes);
    `_UNCHANGED` when that part is empty. A `{}` the config sets stays an addition."""
    if not isinstance(patch, dict):
        return _UNCHANGED if deletions else patch
    out = {}
    for key, value in patch.items():
        sub = (None if deletions else _UNCHANGED) if value is None else _split(value, deletions)
        if sub is not _UNCHANGED:
            out[key] = sub
    return out if out or (patch == {} and not deletions) else _UNCHANGED


def _combine(first: Any, second: Any) -> Any:
    if first is _UNCHANGED:
        return second
    if second is _UNCHANGED:
        return first
    if isinstance(first, dict) and isinstance(second, dict):
        out = dict(first)
        for key, value in second.items():
            out[key] = _combine(first[key], value) if key in first else value
        return out
    return second


def apply_merge_patch(doc: Any, patch: Any) -> Any:
    """RFC 7386 merge patch application; returns doc itself when the patch changes nothing."""
    if patch is _UNCHANGED:
        return doc
    if not isinstance(patch, dict):
        return patch
    out = dict(doc) if isinstance(doc, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = apply_merge_patch(out.get(key), value)
    return out


def json_merge(orig: Any, config: Any, live: Any) -> Any:
    """CreateThreeWayJSONMergePatch against the trimmed live, applied to the untrimmed live."""
    trimmed = remove_map_fields(orig, live)
    deletions = _split(_merge_patch(orig, config), deletions=True)
    changes = _merge_patch(trimmed, config)
    changes = _UNCHANGED if changes is _UNCHANGED else _split(changes, deletions=False)
    return apply_merge_patch(live, _combine(deletions, changes))
