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


def _block(node: Any, col: int, out: list[str]) -> None:
    pad = " " * col
    if isinstance(node, dict):
        for key in sorted(node):
            value = node[key]
            if isinstance(value, dict | list) and value:
                out.append(f"{pad}{_key(key)}:")
                _block(value, col + 2 if isinstance(value, dict) else col, out)
            else:
                _append(out, f"{pad}{_key(key)}: ", _scalar(value), pad)
        return
    for item in node:
        if isinstance(item, dict | list) and item:
            start = len(out)
            _block(item, col + 2, out)
            out[start] = f"{pad}- {out[start][col + 2 :]}"
        else:
            _append(out, f"{pad}- ", _scalar(item), pad)


def yaml_lines(obj: Any) -> list[str]:
    """The lines of `dump(obj)` (without line ends); `None` gives no lines."""
    if obj is None:
        return []
    if isinstance(obj, dict | list) and obj:
        out: list[str] = []
        try:
            _block(obj, 0, out)
        except _Unsupported:
            return _split(dump(obj))
        return out
    return _split(dump(obj))


def _split(text: str) -> list[str]:
    """Lines split at `\n` only: the emitter writes Unicode line separators inside scalars."""
    return text.removesuffix("\n").split("\n")
