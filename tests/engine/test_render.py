"""The diff text and the YAML it is made of, and the changed paths."""

from __future__ import annotations

import difflib
import json
import random
import string
from typing import Any

import pytest

from argodiff.engine import quantity
from argodiff.engine.paths import changed_paths
from argodiff.engine.render_diff import unified
from argodiff.engine.yamltext import yaml_line_pair
from argodiff.yamlio import dump
from tests.engine import objects as o

TRICKY = [
    "", " ", "a ", " a", "yes", "No", "null", "~", "1", "1.0", "0x1F", "1e3", "1:20", "a: b",
    "a #b", "#a", "-a", "- a", "?a", ":a", "multi\nline", "multi\nline\n", "  indented\nx",
    "x\n\n  y\n", "trail \nx", "é", "ü:x", "a\tb", "\x01", "'q'", '"q"', "`t", "@a", "%a",
    "&a", "*a", "!a", "|a", ">a", "[a]", "{a}", ",a", "=", "http://x.y/z?q=1&r=2", "/usr/bin",
    "True", "on", ".nan", "-.inf", "+1", "010", "1_000", "a" * 200, "\u2028", "a\u0085b",
    "日本", "a\r\nb", "\n", "\nx", "a\n\n\nb\n\n",
]  # fmt: skip


def yaml_lines(obj: Any) -> list[str]:
    """The lines the diff writes for one object alone."""
    return yaml_line_pair(obj, None)[0]


def _shapes(value: Any) -> list[Any]:
    return [{"k": value}, {str(value) or "e": 1}, [value], {"a": [{"b": value, "c": [value]}]}]


@pytest.mark.parametrize("value", TRICKY)
def test_yaml_lines_match_the_project_dump_on_tricky_scalars(value: str) -> None:
    for obj in _shapes(value):
        assert "\n".join(yaml_lines(obj)) + "\n" == dump(obj)


def test_yaml_lines_match_the_project_dump_on_objects_and_random_text() -> None:
    rnd = random.Random(7)
    alphabet = string.printable + "é日\u2028"
    objects: list[Any] = [
        o.live_deployment(),
        o.live_statefulset(),
        o.live_secret(),
        o.crd(3, 2),
        {"f": [1.5, 1e20, -0.0, True, None, {}, [], [[1, [2]], {"x": {}}]]},
        {"a" * 130: 1},
    ]
    for _ in range(500):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12)))
        objects.extend(_shapes(text))
    for obj in objects:
        assert "\n".join(yaml_lines(obj)) + "\n" == dump(obj)


def test_unified_rebuilds_the_new_text_and_keeps_difflib_format() -> None:
    rnd = random.Random(3)
    base = [f"line {i}" for i in range(300)]
    for _ in range(200):
        new = list(base)
        for _ in range(rnd.randint(1, 4)):
            pos = rnd.randrange(len(new))
            action = rnd.choice(["edit", "insert", "delete"])
            if action == "edit":
                new[pos] = "edited"
            elif action == "insert":
                new.insert(pos, "inserted")
            else:
                del new[pos]
        diff = unified(base, new)
        assert _apply(base, diff) == new
        # Unique lines: patience and difflib agree on the one shortest edit.
        if len(set(new)) == len(new):
            assert diff == list(difflib.unified_diff(base, new, "live", "predicted", lineterm=""))
    assert unified([], ["a"]) == ["--- live", "+++ predicted", "@@ -0,0 +1 @@", "+a"]
    assert unified(["a"], []) == ["--- live", "+++ predicted", "@@ -1 +0,0 @@", "-a"]


def _panel(i: int, height: int, title: str) -> list[str]:
    return [
        "        {",
        f'          "id": {i},',
        '          "gridPos": {',
        f'            "h": {height},',
        '            "w": 12',
        "          },",
        f'          "title": "Panel {i}{title}"',
        "        },",
    ]


def _hunks(diff: list[str]) -> list[list[str]]:
    hunks: list[list[str]] = []
    for line in diff[2:]:
        if line.startswith("@@"):
            hunks.append([])
        else:
            hunks[-1].append(line)
    return hunks


def test_a_repeated_line_never_shows_as_both_removed_and_added_in_a_hunk() -> None:
    # A dashboard JSON where every third panel changes two lines around a `},`: difflib's
    # autojunk takes `},` (over 1% of the lines) as junk and shows it removed and added.
    before = [line for i in range(300) for line in _panel(i, 8, "")]
    after = [
        line for i in range(300) for line in (_panel(i, 9, " (new)") if i % 3 else _panel(i, 8, ""))
    ]
    autojunk = list(difflib.unified_diff(before, after, lineterm=""))
    assert any("-          }," in h and "+          }," in h for h in _hunks(autojunk)), (
        "the case no longer shows the autojunk artefact"
    )
    diff = unified(before, after)
    assert _apply(before, diff) == after
    for hunk in _hunks(diff):
        removed = {line[1:] for line in hunk if line.startswith("-")}
        added = {line[1:] for line in hunk if line.startswith("+")}
        assert not removed & added, hunk
    assert sum(line.startswith(("+", "-")) for line in diff[2:]) == 4 * 200


def test_diff_has_argo_header_and_live_to_predicted_direction() -> None:
    from argodiff.engine import diff_app

    target = o.deployment()
    target["spec"]["replicas"] = 3
    [result] = diff_app(o.app(), [target], [o.live_deployment()], o.settings())
    lines = result.diff.splitlines()
    assert lines[:3] == ["===== apps/Deployment web/web ======", "--- live", "+++ predicted"]
    assert "-  replicas: 2" in lines
    assert "+  replicas: 3" in lines


def test_paths_name_keys_list_items_and_odd_keys() -> None:
    live = {
        "metadata": {"labels": {"app.kubernetes.io/name": "a"}},
        "spec": {
            "containers": [{"name": "app", "image": "a:1", "ports": [{"containerPort": 80}]}],
            "tolerations": [{"key": "x"}],
        },
    }
    predicted = {
        "metadata": {"labels": {"app.kubernetes.io/name": "b"}},
        "spec": {
            "containers": [
                {"name": "app", "image": "a:2", "ports": [{"containerPort": 80, "name": "http"}]},
                {"name": "new", "image": "n:1"},
            ],
            "tolerations": [{"key": "x"}, {"key": "y"}],
            "replicas": 2,
        },
    }
    assert changed_paths("Pod", live, predicted) == [
        'metadata.labels["app.kubernetes.io/name"]',
        "spec.containers[name=app].image",
        "spec.containers[name=app].ports[containerPort=80].name",
        "spec.containers[name=new]",
        "spec.replicas",
        "spec.tolerations[1]",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.5", "500m"), ("1000m", "1"), ("1024Mi", "1Gi"), (1, "1"), (0.25, "250m"),
        ("1536Mi", "1536Mi"), ("1.5Gi", "1536Mi"), ("1000", "1k"), ("1000M", "1G"),
        ("1e3", "1e3"), ("129e6", "129e6"), ("1.5Ki", "1536"), ("0.0000000001", "1n"),
        ("-1000m", "-1"), ("0", "0"), ("abc", None), (True, None), ("1Gb", None),
    ],
)  # fmt: skip
def test_quantities_canonical_form(value: Any, expected: str | None) -> None:
    assert quantity.canonical(value) == expected


def _apply(before: list[str], diff: list[str]) -> list[str]:
    """Apply unified-diff lines to `before` (checking context), as `patch` would."""
    out: list[str] = []
    pos = 0
    for line in diff[2:]:
        if line.startswith("@@"):
            start = int(line.split()[1][1:].split(",")[0])
            length = line.split()[1][1:].split(",")
            target = start - 1 if len(length) == 1 or length[1] != "0" else start
            out.extend(before[pos:target])
            pos = target
        elif line.startswith(" ") or line.startswith("-"):
            assert before[pos] == line[1:]
            pos += 1
            if line.startswith(" "):
                out.append(line[1:])
        else:
            out.append(line[1:])
    return out + before[pos:]


def test_diff_of_shared_structures_rebuilds_the_predicted_text() -> None:
    live = o.crd(properties=4, depth=3)
    versions: list[Any] = json.loads(json.dumps(live["spec"]["versions"]))
    props = versions[0]["schema"]["openAPIV3Schema"]["properties"]
    props["field0"]["description"] = "changed first"
    props["field3"]["properties"]["field2"]["type"] = "integer"
    del props["field1"]["properties"]["field1"]
    predicted = {**live, "spec": {**live["spec"], "versions": versions}}
    before, after, anchors = yaml_line_pair(live, predicted)
    assert anchors
    assert before == yaml_lines(live) and after == yaml_lines(predicted)
    diff = unified(before, after, anchors)
    assert _apply(before, diff) == after
    assert sum(line.startswith("@@") for line in diff) == 3


def test_integer_keys_from_yaml_render_like_the_project_dump() -> None:
    live = {"apiVersion": "example.com/v1", "kind": "Values", "data": {1: "one", "b": "bee"}}
    predicted = {**live, "data": {1: "uno", "b": "bee"}}
    before, after, _ = yaml_line_pair(live, predicted)
    assert "\n".join(before) + "\n" == dump(live)
    assert "\n".join(after) + "\n" == dump(predicted)
    assert changed_paths("Values", live, predicted) == ["data.1"]
