"""Code fences that no content can close early."""

from __future__ import annotations

import re

_BACKTICKS = re.compile(r"`+")
_TILDES = re.compile(r"~+")
MIN_FENCE = 3


def _longest(pattern: re.Pattern[str], text: str) -> int:
    if pattern.pattern[0] not in text:
        return 0
    return max(map(len, pattern.findall(text)), default=0)


def fence_run(text: str) -> str:
    """The opening (and closing) run of a fence around `text`.

    CommonMark closes a fence at a line holding a run of the same character at least as long as the
    opener, so the run is one longer than any run in `text`. Backticks unless the text holds longer
    backtick runs than tilde runs (as tfcmt switches fence style), so the fence stays short.
    """
    backticks = _longest(_BACKTICKS, text)
    tildes = _longest(_TILDES, text)
    if backticks <= tildes:
        return "`" * max(MIN_FENCE, backticks + 1)
    return "~" * max(MIN_FENCE, tildes + 1)


def fence(text: str, info: str = "diff") -> str:
    """`text` as a fenced code block (info string e.g. `diff`), ending with a newline."""
    run = fence_run(text)
    body = text if text.endswith("\n") or not text else text + "\n"
    return f"{run}{info}\n{body}{run}\n"
