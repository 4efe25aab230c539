"""`did you mean …?` for a mistyped Application name."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

MAX_SUGGESTIONS = 3


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`; did you mean longhorn?` naming the closest known names (never `name` itself), or ''."""
    candidates = sorted({k for k in known if k and k != name})
    close = difflib.get_close_matches(name, candidates, n=MAX_SUGGESTIONS, cutoff=0.6)
    return f"; did you mean {' or '.join(close)}?" if close else ""
