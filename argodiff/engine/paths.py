"""Changed field paths, live -> predicted: `spec.template.spec.containers[name=app].image`.

A walker that compares with `==` first and descends only into subtrees that differ, so a
5 MB CRD with one change costs a few equality checks, not a full traversal (deepdiff walks
everything: ecosystem.md §3).
"""

from __future__ import annotations

import json
import re
from typing import Any

from argodiff.engine.merge import SET, merge_key

_IDENT = re.compile(r"[A-Za-z0-9_-]+")


def _field(prefix: str, key: str) -> str:
    if _IDENT.fullmatch(key):
        return f"{prefix}.{key}" if prefix else key
    return f"{prefix}[{json.dumps(key)}]"


def _unique(items: list[Any], key: str) -> bool:
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get(key), str | int):
            return False
        seen.add(repr(item[key]))
    return len(seen) == len(items)


def _list_key(kind: str, fields: tuple[str, ...], a: list[Any], b: list[Any]) -> str | None:
    """The key to match items by: the patch merge key, else a unique `name` on every item."""
    known = merge_key(kind, fields) if fields else None
    for key in ([known] if known and known != SET else []) + ["name"]:
        if _unique(a, key) and _unique(b, key):
            return key
    return None


def changed_paths(kind: str, live: Any, predicted: Any) -> list[str]:
    """Every path where the two differ; a subtree only one side has is one path."""
    out: list[str] = []

    def walk(a: Any, b: Any, path: str, fields: tuple[str, ...]) -> None:
        if a == b:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(a.keys() | b.keys(), key=str):
                sub = _field(path, str(key))
                if key in a and key in b:
                    walk(a[key], b[key], sub, (*fields, str(key)))
                else:
                    out.append(sub)
        elif isinstance(a, list) and isinstance(b, list):
            key = _list_key(kind, fields, a, b)
            if key is None:
                for i in range(max(len(a), len(b))):
                    if i < len(a) and i < len(b):
                        walk(a[i], b[i], f"{path}[{i}]", fields)
                    else:
                        out.append(f"{path}[{i}]")
                return
            before = {repr(item[key]): item for item in a}
            after = {repr(item[key]): item for item in b}
            for marker in [*after, *(m for m in before if m not in after)]:
                sub = f"{path}[{key}={(after.get(marker) or before[marker])[key]}]"
                if marker in before and marker in after:
                    walk(before[marker], after[marker], sub, fields)
                else:
                    out.append(sub)
        else:
            out.append(path)

    walk(live, predicted, "", ())
    return out
