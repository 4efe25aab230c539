"""Argo CD's glob matching (gobwas/glob compiled without separators), shared by directory
sources (include/exclude) and ignoreDifferences group/kind rules."""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str] | None:
    """gobwas/glob without separators, as Argo CD compiles include/exclude: `*` and `**` match
    any text (including `/`), `?` one character, `[...]`/`[!...]` a class, `{a,b}` alternatives.
    None for a pattern that does not compile (Argo CD then treats it as not matching)."""
    out: list[str] = []
    depth = 0
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 1
        elif c == "*":
            out.append(".*")
        elif c == "?":
            out.append(".")
        elif c == "[":
            end = pattern.find("]", i + 2)
            if end < 0:
                return None
            body = pattern[i + 1 : end]
            negate = body.startswith("!")
            body = body[1:] if negate else body
            out.append("[" + ("^" if negate else "") + body.replace("\\", "\\\\") + "]")
            i = end
        elif c == "{":
            depth += 1
            out.append("(?:")
        elif c == "}" and depth:
            depth -= 1
            out.append(")")
        elif c == "," and depth:
            out.append("|")
        else:
            out.append(re.escape(c))
        i += 1
    if depth:
        return None
    try:
        return re.compile("".join(out), re.DOTALL)
    except re.error:
        return None


def glob_match(pattern: str, text: str) -> bool:
    rx = _glob_regex(pattern)
    return bool(rx and rx.fullmatch(text))
