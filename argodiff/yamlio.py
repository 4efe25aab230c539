"""YAML in and out, with Kubernetes' JSON semantics (one module so every stage agrees)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from argodiff.errors import ManifestError
from argodiff.limits import LIMITS
from argodiff.model import Manifest

MAX_ALIAS_NODES = 1_000_000
"""How many nodes aliases may add to one input when expanded (each reuse counts in full)."""
MAX_ALIAS_CHARS = 16 * 1024 * 1024
"""How many characters of strings aliases may add to one input when expanded."""


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


class _Expansion:
    """What aliases add to an input: a YAML alias bomb (`&a [x,x]`, `&b [*a,*a]`, …) is tiny as
    text and shared in memory, but every reuse counts in full once it is walked, dumped or
    diffed. Sizes are memoized per object, so the check costs the distinct nodes only."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._memo: dict[int, tuple[int, int]] = {}
        self._busy: set[int] = set()
        self.expanded = [0, 0]
        self.distinct = [0, 0]

    def add(self, doc: Any) -> None:
        nodes, chars = self._size(doc)
        self.expanded[0] += nodes
        self.expanded[1] += chars
        extra_nodes = self.expanded[0] - self.distinct[0]
        extra_chars = self.expanded[1] - self.distinct[1]
        if extra_nodes > MAX_ALIAS_NODES or extra_chars > MAX_ALIAS_CHARS:
            raise ManifestError(
                f"YAML aliases expand it by more than {MAX_ALIAS_NODES:,} nodes or "
                f"{MAX_ALIAS_CHARS:,} characters (YAML alias bomb?)",
                file=self.source,
            )

    def _size(self, root: Any) -> tuple[int, int]:
        """(nodes, string characters) of `root` with every alias expanded; post-order, no
        recursion (nesting may be deep)."""
        stack: list[tuple[Any, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            key = id(node)
            if key in self._memo:
                continue
            children = (
                list(node.keys()) + list(node.values())
                if isinstance(node, dict)
                else node
                if isinstance(node, list)
                else None
            )
            if children is None:
                size = (1, len(node) if isinstance(node, str) else 0)
                if isinstance(node, str) and len(node) > 64:  # shared strings count too
                    self._memo[key] = size
                    self.distinct[0] += 1
                    self.distinct[1] += size[1]
                continue
            if done:
                self._busy.discard(key)
                sizes = [self._memo.get(id(c)) or self._leaf(c) for c in children]
                self._memo[key] = (1 + sum(n for n, _ in sizes), sum(c for _, c in sizes))
                self.distinct[0] += 1
                continue
            if key in self._busy:
                raise ManifestError("a YAML alias refers to itself (recursive)", file=self.source)
            self._busy.add(key)
            stack.append((node, True))
            stack.extend((c, False) for c in children if isinstance(c, dict | list | str))
        return self._memo.get(id(root)) or self._leaf(root)

    def _leaf(self, node: Any) -> tuple[int, int]:
        if isinstance(node, str):
            if len(node) <= 64:
                self.distinct[0] += 1
                self.distinct[1] += len(node)
            return 1, len(node)
        self.distinct[0] += 1
        return 1, 0


def iter_documents(text: str | bytes, source: str = "") -> Iterator[Any]:
    """Every document in a YAML stream; a parse error becomes ManifestError naming `source`."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ManifestError(
                f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=source
            ) from None
    if len(text) > LIMITS.yaml_bytes:
        raise ManifestError(
            f"larger than {LIMITS.yaml_bytes:,} bytes of YAML (ARGODIFF_MAX_YAML_BYTES); not read",
            file=source,
        )
    if "\x00" in text:
        raise ManifestError("binary file (contains NUL bytes), not YAML", file=source)
    text = text.removeprefix("\ufeff")
    expansion = _Expansion(source)
    try:
        for doc in yaml.load_all(text, Loader=_Loader):
            if doc is not None:
                expansion.add(doc)
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
