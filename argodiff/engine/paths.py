"""Changed field paths, live -> predicted: `spec.template.spec.containers[name=app].image`.

DeepDiff finds them, but DeepDiff walks every node of both objects: seconds on a 5 MB CRD
(ecosystem.md §3). So it only sees what differs: `_align` replaces every subtree that is equal
on both sides by one shared object, which the `_SkipEqual` operator stops at, and turns keyed
lists (the strategic-merge keys) into maps, so items are compared by key, not position.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from deepdiff import DeepDiff
from deepdiff.model import DiffLevel
from deepdiff.operator import BaseOperator

from argodiff.engine.merge import SET, merge_key

_IDENT = re.compile(r"[A-Za-z0-9_-]+")
_REPORTS = (
    "values_changed",
    "type_changes",
    "dictionary_item_added",
    "dictionary_item_removed",
    "iterable_item_added",
    "iterable_item_removed",
)


@dataclass(frozen=True)
class _Item:
    """A keyed list's item, as a map key: `[name=app]`."""

    key: str
    value: str | int


class _SkipEqual(BaseOperator):
    """Tell DeepDiff that equal subtrees hold no change, without descending into them."""

    def __init__(self) -> None:
        super().__init__()

    def match(self, level: DiffLevel) -> bool:
        return level.t1 is level.t2 or bool(level.t1 == level.t2)

    def give_up_diffing(self, level: DiffLevel, diff_instance: DeepDiff) -> bool:
        return True


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


def _align(kind: str, a: Any, b: Any, fields: tuple[str, ...]) -> tuple[Any, Any]:
    """Both sides, with equal subtrees shared and keyed lists turned into maps."""
    if a == b:
        return a, a
    if isinstance(a, dict) and isinstance(b, dict):
        out_a, out_b = dict(a), dict(b)
        for key in a.keys() & b.keys():
            # A keyed list's item sits where the list is: merge keys are looked up by field.
            sub = fields if isinstance(key, _Item) else (*fields, str(key))
            out_a[key], out_b[key] = _align(kind, a[key], b[key], sub)
        return out_a, out_b
    if isinstance(a, list) and isinstance(b, list):
        key = _list_key(kind, fields, a, b)
        if key is None:
            pairs = [_align(kind, x, y, fields) for x, y in zip(a, b, strict=False)]
            return [x for x, _ in pairs] + a[len(b) :], [y for _, y in pairs] + b[len(a) :]
        by_a = {_Item(key, item[key]): item for item in a}
        by_b = {_Item(key, item[key]): item for item in b}
        return _align(kind, by_a, by_b, fields)
    return a, b


Step = tuple[bool, Any]
"""(in a list, key or index) for each step from the root to a change."""


def _steps(level: DiffLevel) -> list[Step]:
    """The route DeepDiff took to a change. A map's key can be an integer too (YAML `1: x`),
    so whether a step indexes a list is read from its container, not from the key's type."""
    steps: list[Step] = []
    node = level.all_up
    while node.down is not None:
        rel = node.t1_child_rel or node.t2_child_rel
        assert rel is not None  # every level above a change leads down to it
        steps.append((isinstance(node.t1, list), rel.param))
        node = node.down
    return steps


def _format(steps: list[Step]) -> str:
    out = ""
    for in_list, part in steps:
        if isinstance(part, _Item):
            out += f"[{part.key}={part.value}]"
        elif in_list:
            out += f"[{part}]"
        elif _IDENT.fullmatch(str(part)):
            out += f".{part}" if out else str(part)
        else:
            out += f"[{json.dumps(str(part))}]"
    return out


def _order(steps: list[Step]) -> list[tuple[int, str]]:
    return [(part, "") if in_list else (0, str(part)) for in_list, part in steps]


def changed_paths(kind: str, live: Any, predicted: Any) -> list[str]:
    """Every path where the two differ; a subtree only one side has is one path."""
    a, b = _align(kind, live, predicted, ())
    if a is b:
        return []
    tree = DeepDiff(a, b, view="tree", custom_operators=[_SkipEqual()], verbose_level=0)
    found = [_steps(level) for report in _REPORTS for level in tree.get(report, ())]
    return [_format(steps) for steps in sorted(found, key=_order)]
