"""A multi-megabyte CRD: one change deep inside is found exactly (speed is benchmarked)."""

from __future__ import annotations

import functools
import json
import re

from argodiff.engine import diff_app
from argodiff.model import Manifest
from argodiff.yamlio import dump
from tests.engine import objects as o


@functools.cache
def _big_crd_json() -> str:
    return json.dumps(o.crd(properties=9, depth=5))


def _big_crd() -> Manifest:
    text = _big_crd_json()
    assert len(text) > 5_000_000
    crd: Manifest = json.loads(text)
    return crd


def _leaf(crd: Manifest) -> dict[str, str]:
    node = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    for name in ("field4", "field7", "field1", "field8", "field2"):
        node = node["properties"][name]
    leaf: dict[str, str] = node
    return leaf


def test_one_change_in_a_5_mb_crd_is_found_exactly() -> None:
    target = _big_crd()
    live = o.live_crd(target)
    assert diff_app(o.app(), [target], [live], o.settings()) == []
    _leaf(target)["description"] = "Changed in this pull request."
    before = json.dumps([target, live])
    [result] = diff_app(o.app(), [target], [live], o.settings())
    assert json.dumps([target, live]) == before, "the caller's objects must stay untouched"
    prefix = "spec.versions[name=v1alpha1].schema.openAPIV3Schema"
    walk = "".join(f".properties.{name}" for name in ("field4", "field7", "field1", "field8"))
    assert result.paths == [f"{prefix}{walk}.properties.field2.description"]
    lines = result.diff.splitlines()
    removed = [line for line in lines if line.startswith("-") and not line.startswith("---")]
    added = [line for line in lines if line.startswith("+") and not line.startswith("+++")]
    assert [line[1:].strip() for line in removed] == [
        "description: 'A leaf field: it holds a value, see docs.'"
    ]
    assert [line[1:].strip() for line in added] == ["description: Changed in this pull request."]
    # The hunk header points at the real line of the live YAML as shown (status is ignored by
    # the `*/*` override and creationTimestamp by normalization).
    shown = {k: v for k, v in live.items() if k != "status"}
    shown["metadata"] = {k: v for k, v in live["metadata"].items() if k != "creationTimestamp"}
    header = re.search(r"^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$", result.diff, re.MULTILINE)
    assert header is not None
    body = lines[lines.index(header.group(0)) + 1 :]
    offset = next(i for i, line in enumerate(body) if line.startswith("-"))
    assert dump(shown).split("\n")[int(header.group(1)) - 1 + offset] == removed[0][1:]
