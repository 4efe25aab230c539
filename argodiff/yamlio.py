"""YAML in and out, with Kubernetes' JSON semantics (one module so every stage agrees)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from argodiff.errors import ManifestError
from argodiff.model import Manifest

MAX_NODES = 2_000_000
"""Expanded-size budget for one document; a YAML alias bomb stops here instead of eating memory."""


class _Loader(yaml.CSafeLoader):
    """CSafeLoader minus timestamps (Kubernetes keeps `2024-01-01` a string) and with
    duplicate keys refused (kubectl and kustomize refuse them too)."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "mapping key is not a scalar", key_node.start_mark
            )
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=True)
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _check_size(doc: Any, source: str) -> None:
    """Walk the document with a node budget: shared (aliased) subtrees count every time."""
    budget = MAX_NODES
    stack = [doc]
    while stack:
        node = stack.pop()
        budget -= 1
        if budget < 0:
            raise ManifestError(
                f"document expands to more than {MAX_NODES:,} nodes (YAML alias bomb?)",
                file=source,
            )
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def iter_documents(text: str | bytes, source: str = "") -> Iterator[Any]:
    """Every document in a YAML stream; a parse error becomes ManifestError naming `source`."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ManifestError(
                f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=source
            ) from None
    if "\x00" in text:
        raise ManifestError("binary file (contains NUL bytes), not YAML", file=source)
    text = text.removeprefix("\ufeff")
    try:
        for doc in yaml.load_all(text, Loader=_Loader):
            if doc is not None:
                _check_size(doc, source)
            yield doc
    except yaml.YAMLError as exc:
        raise ManifestError(f"invalid YAML: {_one_line(exc)}", file=source) from None
    except RecursionError:
        raise ManifestError("invalid YAML: nested too deeply", file=source) from None


def load_manifests(text: str | bytes, source: str = "") -> list[Manifest]:
    """Kubernetes objects from a YAML stream; `kind: List` is flattened, empty docs dropped."""
    out: list[Manifest] = []
    for index, doc in enumerate(iter_documents(text, source)):
        if doc is None:
            continue
        if not isinstance(doc, dict):
            raise ManifestError(
                f"document {index + 1} is a {type(doc).__name__}, not a mapping", file=source
            )
        out.extend(_flatten(doc))
    return out


def _flatten(doc: Manifest) -> Iterator[Manifest]:
    """A `List` (`SecretList`, `ConfigMapList`…) becomes its items, at any depth: a Secret
    inside a List inside a List is still a Secret, and must be masked as one."""
    stack = [doc]
    while stack:
        obj = stack.pop()
        if str(obj.get("kind", "")).endswith("List") and isinstance(obj.get("items"), list):
            stack.extend(item for item in reversed(obj["items"]) if isinstance(item, dict))
        else:
            yield obj


class _Dumper(yaml.CSafeDumper):
    """Like sigs.k8s.io/yaml: sorted keys, 2-space indent, lists not indented under keys."""


def _str_presenter(dumper: _Dumper, data: str) -> yaml.Node:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str_presenter)


def dump(obj: Any) -> str:
    """YAML for display (diffs); `None` dumps as the empty string, as Argo CD's empty file."""
    if obj is None:
        return ""
    return yaml.dump(
        obj,
        Dumper=_Dumper,
        sort_keys=True,
        default_flow_style=False,
        width=1 << 30,
        allow_unicode=True,
    )


def _one_line(exc: yaml.YAMLError) -> str:
    return " ".join(str(exc).split())
