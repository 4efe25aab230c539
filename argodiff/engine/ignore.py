"""`ignoreDifferences`: rules from the Application and from Argo CD's resource overrides.

Mirrors argo-cd util/argo/normalizers/diff_normalizer.go (jsonPointers, jqPathExpressions)
and util/argo/managedfields (managedFieldsManagers, map paths only: the CLI has no schema).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import jq
import jsonpointer

from argodiff.engine.kinds import group_kind
from argodiff.globs import glob_match
from argodiff.model import Application, ArgoSettings, IgnoreRule, Manifest


def matching_rules(obj: Manifest, app: Application, settings: ArgoSettings) -> list[IgnoreRule]:
    """Override rules (keys `group/Kind`, `Kind`, `*/*`, group/kind filled in) then app rules."""
    group, kind = group_kind(obj)
    meta = obj.get("metadata") or {}
    name, namespace = str(meta.get("name") or ""), str(meta.get("namespace") or "")
    return [
        rule
        for rule in [*settings.resource_overrides.values(), *app.ignore_differences]
        if glob_match(rule.group, group)
        and glob_match(rule.kind, kind)
        and rule.name in ("", name)
        and rule.namespace in ("", namespace)
    ]


def _remove(doc: Any, parts: list[str]) -> Any:
    """JSON-Patch `remove` by copying the path; raises LookupError when the path is missing."""
    if not parts:
        raise LookupError("cannot remove the document root")
    head, rest = parts[0], parts[1:]
    if isinstance(doc, dict):
        if head not in doc:
            raise LookupError(head)
        copy = dict(doc)
        if rest:
            copy[head] = _remove(doc[head], rest)
        else:
            del copy[head]
        return copy
    if isinstance(doc, list) and head.isdigit() and int(head) < len(doc):
        items = list(doc)
        if rest:
            items[int(head)] = _remove(doc[int(head)], rest)
        else:
            del items[int(head)]
        return items
    raise LookupError(head)


@functools.lru_cache(maxsize=256)
def _jq_program(expression: str) -> Any:
    return jq.compile(f"del({expression})")


def _jq_delete(doc: Manifest, expression: str) -> Manifest | None:
    """`del(expr)` as Argo CD runs it with gojq; an error or not exactly one object skips it."""
    try:
        outputs = _jq_program(expression).input_value(doc).all()
    except ValueError:
        return None
    if len(outputs) != 1 or not isinstance(outputs[0], dict):
        return None
    result: Manifest = outputs[0]
    return result


def _drop_emptied(before: Any, after: Any) -> Any:
    """Remove maps and lists that the removal left empty (only where the two differ)."""
    if before is after or before == after:
        return after
    if isinstance(after, dict) and isinstance(before, dict):
        out = {}
        for key, new in after.items():
            old = before.get(key)
            value = _drop_emptied(old, new)
            if value in ({}, []) and old not in ({}, []) and key in before:
                continue
            out[key] = value
        return out
    if isinstance(after, list) and isinstance(before, list) and len(after) == len(before):
        return [_drop_emptied(old, new) for old, new in zip(before, after, strict=True)]
    return after


def apply_rules(obj: Manifest, rules: list[IgnoreRule]) -> Manifest:
    """Step 2.2 e1: every pointer and jq expression of the matching rules, in order."""
    doc = obj
    for rule in rules:
        for pointer in rule.json_pointers:
            try:
                doc = _remove(doc, jsonpointer.JsonPointer(pointer).parts)
            except (LookupError, jsonpointer.JsonPointerException):
                continue
        for expression in rule.jq_path_expressions:
            doc = _jq_delete(doc, expression) or doc
    return _drop_emptied(obj, doc) if doc is not obj else obj


def _owned_leaves(fields: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Map paths a manager owns outright: `f:` entries with no members below them. Keyed list
    entries (`k:`, `v:`, `i:`) never match: without a schema, Argo CD's CLI treats lists as
    atomic."""
    if not isinstance(fields, dict):
        return
    for name, below in fields.items():
        if not name.startswith("f:"):
            continue
        path = (*prefix, name[2:])
        if isinstance(below, dict) and below:
            yield from _owned_leaves(below, path)
        else:
            yield path


_MISSING = object()


def _get(doc: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(doc, dict) or part not in doc:
            return _MISSING
        doc = doc[part]
    return doc


def _without(doc: Manifest, path: tuple[str, ...]) -> Manifest:
    try:
        result: Manifest = _remove(doc, list(path))
    except LookupError:
        return doc
    return result


def ignore_managed_fields(
    live: Manifest, target: Manifest, rules: list[IgnoreRule]
) -> tuple[Manifest, Manifest]:
    """Step 1.2: fields owned by the listed managers that differ are removed from both sides."""
    managers = {m for rule in rules for m in rule.managed_fields_managers}
    entries = (live.get("metadata") or {}).get("managedFields") if managers else None
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or str(entry.get("manager")) not in managers:
            continue
        for path in _owned_leaves(entry.get("fieldsV1")):
            if _get(live, path) != _get(target, path):
                live, target = _without(live, path), _without(target, path)
    return live, target
