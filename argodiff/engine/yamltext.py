"""YAML lines for diffs, byte-identical to `argodiff.yamlio.dump` but fast on large objects.

PyYAML's representer costs about half a second per megabyte; a 5 MB CRD is common. This
emitter writes the same block style directly and asks PyYAML only for scalars it cannot prove
plain (quoting rules, multi-line strings, floats), caching the answers.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from argodiff.yamlio import dump

_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9 _./,()=+\-;@<>~%^*?!&|\[\]{}'\"`$\\]*")
_RESOLVED_WORDS = frozenset(
    w
    for base in ("yes", "no", "true", "false", "on", "off", "null")
    for w in (base, base.capitalize(), base.upper())
)
_SIMPLE_KEY_MAX = 128
_UNICODE_BREAKS = re.compile("[\x85\u2028\u2029]")


class _Unsupported(Exception):
    """A key PyYAML would write in the complex (`? key`) form: use the slow path."""


@functools.lru_cache(maxsize=65536)
def _slow_scalar(value: Any) -> tuple[str, ...]:
    """PyYAML's own rendering of a mapping value, split into lines relative to its key.

    Only single lines and literal blocks (`|`, `|-`) re-indent by prefixing; anything else
    (keep-chomped blocks, quoted scalars broken at Unicode line separators) is unsupported.
    """
    text = dump({"k": value})
    lines = tuple(text[3:-1].split("\n"))
    if _UNICODE_BREAKS.search(text) or (
        len(lines) > 1 and (not lines[0].startswith("|") or "+" in lines[0])
    ):
        raise _Unsupported
    return lines


@functools.lru_cache(maxsize=4096)
def _slow_key(key: str) -> str:
    text = dump({key: None})
    if _UNICODE_BREAKS.search(text) or text.startswith("? ") or text.count("\n") != 1:
        raise _Unsupported
    return text[: -len(": null\n")]


def _plain(text: str) -> bool:
    return (
        _PLAIN.fullmatch(text) is not None
        and not text.endswith(" ")
        and text not in _RESOLVED_WORDS
    )


@functools.lru_cache(maxsize=65536)
def _key(key: Any) -> str:
    if not isinstance(key, str) or len(key) >= _SIMPLE_KEY_MAX:
        raise _Unsupported
    return key if _plain(key) else _slow_key(key)


@functools.lru_cache(maxsize=65536)
def _string(value: str) -> tuple[str, ...]:
    return (value,) if _plain(value) else _slow_scalar(value)


def _scalar(value: Any) -> tuple[str, ...]:
    """A scalar's lines: the first goes after `key: ` or `- `, the rest need the key's indent."""
    if isinstance(value, str):
        return _string(value)
    if value is None:
        return ("null",)
    if value is True:
        return ("true",)
    if value is False:
        return ("false",)
    if isinstance(value, int):
        return (str(value),)
    if value == {}:
        return ("{}",)
    if value == []:
        return ("[]",)
    return _slow_scalar(value)


def _append(out: list[str], head: str, lines: tuple[str, ...], pad: str) -> None:
    out.append(head + lines[0])
    if len(lines) > 1:
        out.extend(pad + line if line else line for line in lines[1:])


_Memo = dict[tuple[int, int], tuple[list[str], int, int, str]]
Anchor = tuple[int, int, int]
"""Lines `[a, a+n)` of the first object equal lines `[b, b+n)` of the second."""


class _Emitter:
    """Writes block YAML; while `recording`, remembers where each container's lines went, so a
    second object sharing those containers (predicted shares most of live) copies the lines."""

    def __init__(self) -> None:
        self.memo: _Memo = {}
        self.recording = True
        self.anchors: list[Anchor] = []
        self.alias: dict[int, Any] = {}
        """id of a container of the second object -> an equal container of the first."""
        self.shared: set[int] = set()
        """ids of the first object's containers that the second has at the same place."""

    def align(self, first: Any, second: Any) -> None:
        """Find the containers of `second` equal to the same place in `first` (compared with
        `==`, descending only where they differ): their lines can be copied too."""
        if isinstance(first, dict) and isinstance(second, dict):
            pairs = [(first[k], v) for k, v in second.items() if k in first]
        elif isinstance(first, list) and isinstance(second, list):
            pairs = list(zip(first, second, strict=False))
        else:
            return
        for a, b in pairs:
            if not isinstance(b, dict | list):
                continue
            if a is b:
                self.shared.add(id(a))
            elif a == b:
                self.alias[id(b)] = a
                self.shared.add(id(a))
            else:
                self.align(a, b)

    def block(self, node: Any, col: int, out: list[str]) -> None:
        key = (id(node), col) if self.recording else (id(self.alias.get(id(node), node)), col)
        if not self.recording and key in self.memo:
            source, start, end, first = self.memo[key]
            # The first line can still gain a "- " from an enclosing list; the rest is final.
            self.anchors.append((start + 1, len(out) + 1, end - start - 1))
            out.append(first)
            out.extend(source[start + 1 : end])
            return
        start = len(out)
        if isinstance(node, dict):
            self._mapping(node, col, out)
        else:
            self._sequence(node, col, out)
        if self.recording and key[0] in self.shared:
            self.memo[key] = (out, start, len(out), out[start])

    def _mapping(self, node: dict[Any, Any], col: int, out: list[str]) -> None:
        pad = " " * col
        append, string, key = out.append, _string, _key
        try:
            names = sorted(node)
        except TypeError:  # keys of mixed types (YAML `1:` next to `a:`): PyYAML decides
            raise _Unsupported from None
        for name in names:
            value = node[name]
            kind = type(value)
            if kind is str:
                lines = string(value)
                if len(lines) == 1:
                    append(f"{pad}{key(name)}: {lines[0]}")
                    continue
            elif (kind is dict or kind is list) and value:
                append(f"{pad}{key(name)}:")
                self.block(value, col + 2 if kind is dict else col, out)
                continue
            else:
                lines = _scalar(value)
            _append(out, f"{pad}{key(name)}: ", lines, pad)

    def _sequence(self, node: list[Any], col: int, out: list[str]) -> None:
        pad = " " * col
        for item in node:
            kind = type(item)
            if (kind is dict or kind is list) and item:
                at = len(out)
                self.block(item, col + 2, out)
                out[at] = f"{pad}- {out[at][col + 2 :]}"
            else:
                _append(out, f"{pad}- ", _scalar(item), pad)

    def lines(self, obj: Any) -> list[str]:
        if not (isinstance(obj, dict | list) and obj):
            return [] if obj is None else _split(dump(obj))
        out: list[str] = []
        self.block(obj, 0, out)
        return out


def yaml_line_pair(first: Any, second: Any) -> tuple[list[str], list[str], list[Anchor]]:
    """The lines of both objects, and the runs of lines known equal: containers they share
    are written once and copied."""
    emitter = _Emitter()
    try:
        emitter.align(first, second)
        before = emitter.lines(first)
        emitter.recording = False
        return before, emitter.lines(second), emitter.anchors
    except _Unsupported:
        return (
            [] if first is None else _split(dump(first)),
            [] if second is None else _split(dump(second)),
            [],
        )


def _split(text: str) -> list[str]:
    """Lines split at `\n` only: the emitter writes Unicode line separators inside scalars."""
    return text.removesuffix("\n").split("\n")
