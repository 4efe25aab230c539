"""Structured-merge diff: the live object after a server-side apply by `argocd-controller`.

Mirrors gitops-engine `structuredMergeDiff` / `apply` (pkg/diff/diff.go), which runs
structured-merge-diff's `merge.Updater.Apply` (the code of Kubernetes' own server-side apply):

1. `TypedValue.Merge`: the config is merged into live. Maps and structs merge field by field,
   map lists item by item on their keys, set lists as sets, everything else is replaced.
2. `Updater.prune` (with `addBackOwnedItems` / `addBackDanglingItems`): a field or list item
   that `argocd-controller`'s previous Apply owned (its `managedFields` entry) is removed
   unless the new config sets it or another manager owns it. Named fields of a struct count as
   owned when anything below them is (`EnsureNamedFieldsAreMembers`).

`managedFields[].fieldsV1` is structured-merge-diff's fieldpath.Set in JSON: `f:<field>`,
`k:{<key fields>}` (map-list item), `v:<value>` (set item), `i:<index>`, and `.` (the node
itself, when it also has children). The last-applied annotation plays no part.
Containers are copied only where they change; the rest is shared with `live`.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from argodiff.engine.schema import Node, Schema
from argodiff.model import Manifest

MANAGER = "argocd-controller"
"""Argo CD's server-side apply field manager (common.ArgoCDSSAManager)."""

_MISSING = object()


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _level(fields: Any) -> dict[str, Any]:
    """One level of a fieldsV1 set, with `k:`/`v:` elements in canonical JSON."""
    if not isinstance(fields, dict):
        return {}
    if not any(key[:2] in ("k:", "v:") for key in fields):
        return fields
    out: dict[str, Any] = {}
    for raw, below in fields.items():
        key = raw
        if raw[:2] in ("k:", "v:"):
            with contextlib.suppress(ValueError):
                key = raw[:2] + _canonical(json.loads(raw[2:]))
        out[key] = below
    return out


def _is_member(below: Any) -> bool:
    """`{}` (a leaf) or a `.` entry: the path itself is in the set, not just things below."""
    return not below or (isinstance(below, dict) and "." in below)


def _has_children(below: Any) -> bool:
    return isinstance(below, dict) and any(key != "." for key in below)


def item_key(item: Any, node: Node, schema: Schema) -> str | None:
    """The path element of a list item (`k:{…}` or `v:…`); None when it has no key."""
    if node.tag == "set":
        return "v:" + _canonical(item)
    if not isinstance(item, dict):
        return None
    key: dict[str, Any] = {}
    for field in node.keys:
        if field in item:
            key[field] = item[field]
        elif field in schema.key_defaults:
            key[field] = schema.key_defaults[field]
    return "k:" + _canonical(key) if key else None


def _keys(items: list[Any], node: Node, schema: Schema) -> list[str] | None:
    """Every item's path element, or None when one has no key or a key repeats."""
    out = [item_key(item, node, schema) for item in items]
    if None in out or len(set(out)) != len(out):
        return None
    return [key for key in out if key is not None]


def _merge_list(live: list[Any], config: list[Any], node: Node, schema: Schema) -> list[Any]:
    """structured-merge-diff mergingWalker.visitListItems: config's items in config's order,
    live-only items kept in place between them; shared items merged."""
    lkeys, rkeys = _keys(live, node, schema), _keys(config, node, schema)
    if lkeys is None or rkeys is None:
        return config  # not keyable: the server would refuse; replace as a whole
    litems, ritems = dict(zip(lkeys, live, strict=True)), dict(zip(rkeys, config, strict=True))
    item_node = schema.item(node)

    def merged_item(key: str) -> Any:
        if key in litems and node.tag == "list":
            return merge(litems[key], ritems[key], item_node, schema)
        return ritems[key]

    shared = iter([key for key in rkeys if key in litems])
    next_shared = next(shared, None)
    out: list[Any] = []
    done: set[str] = set()
    li = ri = 0
    while li < len(lkeys) or ri < len(rkeys):
        if li < len(lkeys) and ri < len(rkeys):
            key = lkeys[li]
            if key == rkeys[ri]:
                out.append(merged_item(key))
                done.add(key)
                li, ri = li + 1, ri + 1
                next_shared = next(shared, None)
                continue
            if key in ritems and next_shared is not None and next_shared != key:
                li += 1  # a shared item, but not the one due now
                continue
        if li < len(lkeys):
            key = lkeys[li]
            if key not in ritems:
                out.append(live[li])
                li += 1
                continue
            if key in done:
                li += 1
                continue
        if ri < len(rkeys):
            key = rkeys[ri]
            done.add(key)
            out.append(merged_item(key))
            ri += 1
            if next_shared == key:
                next_shared = next(shared, None)
    return out


def merge(live: Any, config: Any, node: Node, schema: Schema) -> Any:
    """structured-merge-diff TypedValue.Merge(live, config)."""
    if config is live or config == live:
        return live
    if node.tag == "atomic":
        return config
    if isinstance(config, dict) and isinstance(live, dict):
        out = dict(live)
        for key, value in config.items():
            if key in live:
                out[key] = merge(live[key], value, schema.field(node, key), schema)
            else:
                out[key] = value
        return out
    if isinstance(config, list) and isinstance(live, list) and node.tag in ("list", "set"):
        return _merge_list(live, config, node, schema)
    return config


def _owned(others: list[dict[str, Any]], key: str, named: bool) -> bool:
    for fields in others:
        below = fields.get(key, _MISSING)
        if below is not _MISSING and (named or _is_member(below)):
            return True
    return False


def _below(others: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return [_level(fields[key]) for fields in others if _has_children(fields.get(key))]


def _prune_map(
    *,
    value: dict[str, Any],
    config: Any,
    last: dict[str, Any],
    others: list[dict[str, Any]],
    node: Node,
    schema: Schema,
) -> dict[str, Any]:
    out = value
    named = node.tag == "struct"
    for key, below in last.items():
        name = key[2:]
        if not key.startswith("f:") or name not in value:
            continue
        sub_config = config.get(name, _MISSING) if isinstance(config, dict) else _MISSING
        in_last = named or _is_member(below)
        if in_last and sub_config is _MISSING and not _owned(others, key, named):
            out = dict(out) if out is value else out
            del out[name]
        elif _has_children(below):
            pruned = prune(
                value=value[name],
                config=sub_config,
                last=_level(below),
                others=_below(others, key),
                node=schema.field(node, name),
                schema=schema,
            )
            if pruned is not value[name]:
                out = dict(out) if out is value else out
                out[name] = pruned
    return out


def _prune_list(
    *,
    value: list[Any],
    config: Any,
    last: dict[str, Any],
    others: list[dict[str, Any]],
    node: Node,
    schema: Schema,
) -> list[Any]:
    keys = _keys(value, node, schema)
    if keys is None:
        return value
    config_items: dict[str, Any] = {}
    if isinstance(config, list):
        for item in config:
            key = item_key(item, node, schema)
            if key is not None:
                config_items[key] = item
    out: list[Any] = []
    changed = False
    for key, current in zip(keys, value, strict=True):
        item = current
        below = last.get(key, _MISSING)
        if below is _MISSING:
            out.append(item)
            continue
        if _is_member(below) and key not in config_items and not _owned(others, key, named=False):
            changed = True
            continue
        if _has_children(below) and node.tag == "list":
            pruned = prune(
                value=item,
                config=config_items.get(key, _MISSING),
                last=_level(below),
                others=_below(others, key),
                node=schema.item(node),
                schema=schema,
            )
            changed = changed or pruned is not item
            item = pruned
        out.append(item)
    return out if changed else value


def prune(
    *,
    value: Any,
    config: Any,
    last: dict[str, Any],
    others: list[dict[str, Any]],
    node: Node,
    schema: Schema,
) -> Any:
    """Remove from `value` what `last` (the manager's previous Apply) holds and neither the
    new config nor `others` (every other manager) owns (merge.Updater.prune)."""
    if isinstance(value, dict) and node.tag != "atomic":
        return _prune_map(
            value=value, config=config, last=last, others=others, node=node, schema=schema
        )
    if isinstance(value, list) and node.tag in ("list", "set"):
        return _prune_list(
            value=value, config=config, last=last, others=others, node=node, schema=schema
        )
    return value


def _managers(live: Manifest) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """argocd-controller's Apply set and every other manager's set, from live managedFields."""
    meta = live.get("metadata")
    entries = meta.get("managedFields") if isinstance(meta, dict) else None
    last: dict[str, Any] | None = None
    others: list[dict[str, Any]] = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("fieldsV1"), dict):
            continue
        fields = _level(entry["fieldsV1"])
        if entry.get("manager") == MANAGER and entry.get("operation") == "Apply":
            last = fields
        else:
            others.append(fields)
    return last, others


def apply(config: Manifest, live: Manifest, root: Node, schema: Schema) -> Manifest | None:
    """The live object after `config` is applied by argocd-controller; None if unchanged
    (gitops-engine `apply`: Updater.Apply with force, manager argocd-controller)."""
    merged: Manifest = merge(live, config, root, schema)
    last, others = _managers(live)
    if last is not None:
        merged = prune(
            value=merged, config=config, last=last, others=others, node=root, schema=schema
        )
    return None if merged == live else merged


def field_set(value: Any, node: Node, schema: Schema) -> dict[str, Any]:
    """The fieldsV1 set of everything `value` sets (TypedValue.ToFieldSet), as managedFields
    record an Apply: leaves, map-list items by key (with `.`), set items by value."""
    out: dict[str, Any] = {}
    if not isinstance(value, dict):
        return out
    for name, sub in value.items():
        child = schema.field(node, name)
        if isinstance(sub, dict) and sub and child.tag != "atomic":
            out[f"f:{name}"] = field_set(sub, child, schema)
        elif isinstance(sub, list) and child.tag in ("list", "set"):
            keys = _keys(sub, child, schema)
            if keys is None:
                out[f"f:{name}"] = {}
                continue
            item_node = schema.item(child)
            out[f"f:{name}"] = {
                key: {".": {}, **field_set(item, item_node, schema)} if child.tag == "list" else {}
                for key, item in zip(keys, sub, strict=True)
            }
        else:
            out[f"f:{name}"] = {}
    return out
