"""What structured merge knows about an object's lists and maps: its structured-merge-diff type.

Built-in kinds take the committed table generated from Kubernetes' OpenAPI (k8s_types.json).
Custom resources take the `x-kubernetes-list-*` extensions of their CRD's schema when the CRD is
among the app's objects (rendered or live). Anything else has no schema, as in gitops-engine's
`scheme.ResolveParseableType` falling back to `typed.DeducedParseableType`: maps merge key by
key and every list is atomic (replaced whole).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from argodiff.engine.kinds import group_kind, is_crd
from argodiff.model import Manifest

Field = tuple[str, str, tuple[str, ...]]
"""(tag, element type, map keys). Tags: `struct` (fields merge one by one), `map` (free-form;
the element type types the values), `list` (x-kubernetes-list-type map, merged by the keys),
`set` (list-type set), `atomic` (an atomic map, replaced whole). Fields a type does not list are
scalars, atomic lists, or structs with nothing but those."""

KEY_DEFAULTS = {"protocol": "TCP"}
"""Map-list key fields with an API default (`+default="TCP"` on ports' protocol): an item that
leaves the field out is keyed with the default, as structured-merge-diff does for built-ins."""


@dataclass(frozen=True)
class Node:
    """The type at one place in an object.

    `struct` (fields by name; `ref` names its entry in the types, '' when nothing in it is
    special), `map` (free-form keys; `ref` types the values), `list` (merged by `keys`), `set`,
    `atomic` (replaced whole) or `deduced` (no schema at all)."""

    tag: str
    ref: str = ""
    keys: tuple[str, ...] = ()


PLAIN = Node("struct")
DEDUCED = Node("deduced")


class Schema:
    """Type lookups over one table of named types."""

    def __init__(self, types: Mapping[str, Mapping[str, Field]], *, key_defaults: bool) -> None:
        self._types = types
        self.key_defaults: Mapping[str, str] = KEY_DEFAULTS if key_defaults else {}

    def field(self, node: Node, name: str) -> Node:
        """The type of field `name` of a struct, or of any value of a map."""
        if node.tag == "deduced":
            return DEDUCED
        if node.tag == "map":
            return Node("struct", node.ref) if node.ref else PLAIN
        entry = self._types.get(node.ref, {}).get(name) if node.ref else None
        return Node(*entry) if entry else PLAIN

    def item(self, node: Node) -> Node:
        """The type of the items of a list."""
        if node.tag == "deduced":
            return DEDUCED
        return Node("struct", node.ref) if node.ref else PLAIN


def _builtin() -> tuple[dict[str, str], dict[str, dict[str, Field]]]:
    """The built-in kinds (`group/Kind` -> the type of its preferred version) and their types,
    from the table scripts/gen_k8s_types.py writes."""
    table = json.loads(resources.files("argodiff.engine").joinpath("k8s_types.json").read_text())
    types = {
        name: {f: (tag, ref, tuple(keys)) for f, (tag, ref, keys) in fields.items()}
        for name, fields in table["types"].items()
    }
    return dict(table["roots"]), types


ROOTS, _TYPES = _builtin()
BUILTIN = Schema(_TYPES, key_defaults=True)


def _version(obj: Manifest) -> str:
    return str(obj.get("apiVersion") or "").rpartition("/")[2]


class _CrdConverter:
    """A CRD's openAPIV3Schema as named types (structured-merge-diff's schemaconv for CRDs:
    lists without `x-kubernetes-list-type` are atomic)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.types: dict[str, dict[str, Field]] = {}

    def convert(self, schema: Any) -> Field | None:
        if not isinstance(schema, dict):
            return None
        if schema.get("x-kubernetes-map-type") == "atomic":
            return ("atomic", "", ())
        kind = schema.get("type")
        if kind == "array":
            list_type = schema.get("x-kubernetes-list-type")
            if list_type == "map":
                keys = schema.get("x-kubernetes-list-map-keys") or []
                return ("list", self._ref(schema.get("items")), tuple(str(k) for k in keys))
            return ("set", "", ()) if list_type == "set" else None
        properties = schema.get("properties")
        if isinstance(properties, dict) and properties:
            name = f"{self.prefix}#{len(self.types)}"
            fields: dict[str, Field] = {}
            self.types[name] = fields
            for field, sub in properties.items():
                entry = self.convert(sub)
                if entry is not None:
                    fields[str(field)] = entry
            return ("struct", name, ())
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            return ("map", self._ref(extra), ())
        if schema.get("x-kubernetes-preserve-unknown-fields"):
            return ("deduced", "", ())
        return None

    def _ref(self, schema: Any) -> str:
        entry = self.convert(schema)
        return entry[1] if entry and entry[0] == "struct" else ""


@dataclass(frozen=True)
class Resolved:
    schema: Schema
    root: Node


_NO_SCHEMA = Resolved(BUILTIN, DEDUCED)


class Schemas:
    """The schemas one app's objects resolve to: built-in table, then the app's CRDs (each
    converted when an object of its kind first asks, as most CRDs have no instance here)."""

    def __init__(self, objects: Iterable[Manifest]) -> None:
        self._raw: dict[tuple[str, str, str], Any] = {}
        self._crds: dict[tuple[str, str, str], Resolved] = {}
        for obj in objects:
            if not is_crd(obj):
                continue
            spec = obj.get("spec")
            if not isinstance(spec, dict) or not isinstance(spec.get("names"), dict):
                continue
            group, kind = str(spec.get("group") or ""), str(spec["names"].get("kind") or "")
            for version in spec.get("versions") or []:
                if isinstance(version, dict):
                    schema = (version.get("schema") or {}).get("openAPIV3Schema")
                    self._raw[(group, kind, str(version.get("name")))] = schema

    def resolve(self, obj: Manifest) -> Resolved:
        """The schema and root type of `obj`; no schema (deduced) when argodiff has none."""
        group, kind = group_kind(obj)
        builtin = ROOTS.get(f"{group}/{kind}")
        if builtin is not None:
            return Resolved(BUILTIN, Node("struct", builtin))
        key = (group, kind, _version(obj))
        if key not in self._crds:
            self._crds[key] = self._convert(key)
        return self._crds[key]

    def _convert(self, key: tuple[str, str, str]) -> Resolved:
        if key not in self._raw:
            return _NO_SCHEMA
        converter = _CrdConverter("/".join(key))
        entry = converter.convert(self._raw[key])
        if entry is None or entry[0] != "struct":
            return _NO_SCHEMA
        return Resolved(Schema(converter.types, key_defaults=False), Node("struct", entry[1]))
