"""The job summary: the whole markdown report, cut cleanly below GitHub's step-summary limit."""

from __future__ import annotations

from argodiff.errors import ConfigError
from argodiff.model import AppStatus, RunResult
from argodiff.report.catalogue import Strings, strings
from argodiff.report.document import Options, body, footer, header
from argodiff.report.escape import md
from argodiff.report.layout import Layout, layout, nbytes, render

LIMIT_BYTES = 1_000_000
"""GitHub refuses a step summary over 1 MiB (1,048,576 bytes); keep a margin."""
NOTE_ROOM = 4096
"""Bytes kept free for the note that says what was cut."""
MAX_NAMES = 10


def _cut_note(run: RunResult, laid: Layout, s: Strings, limit: int) -> str:
    """Which apps the cut left out (wholly or partly), fitting in NOTE_ROOM bytes."""
    changed = [a.name for a in run.apps if a.status is AppStatus.CHANGED]
    shown = sum(1 for name in changed if laid.spans.get(name, (1, 1))[1] == 0)
    cut = [tag for tag, (_, last) in laid.spans.items() if last > 0]
    count = min(len(cut), MAX_NAMES)
    while True:
        names = ", ".join(md(name, 120) for name in cut[:count])
        if count < len(cut):
            names += " " + s.more.format(n=len(cut) - count)
        text = s.cut.format(limit=limit, shown=shown, total=len(changed), names=names)
        note = f"> [!CAUTION]\n> {text}\n\n"
        if nbytes(note) <= NOTE_ROOM or count == 0:
            return note
        count -= 1


def summary_fits(run: RunResult, *, lang: str = "en", limit_bytes: int = LIMIT_BYTES) -> bool:
    """The job summary holds the whole report (nothing is cut from it)."""
    s = strings(lang)
    return nbytes(header(run, s, Options()) + render(body(run, s))) + NOTE_ROOM <= limit_bytes


def step_summary(
    run: RunResult,
    *,
    lang: str = "en",
    limit_bytes: int = LIMIT_BYTES,
    options: Options | None = None,
) -> str:
    """The full report if it fits in `limit_bytes` (UTF-8), else its head and a note of the cut.

    The cut falls between lines, closing any open fence and `<details>`, so what is shown is
    valid markdown.
    """
    s, opts = strings(lang), options or Options()
    head, foot = header(run, s, opts), footer(s, opts)
    root = body(run, s, opts)
    whole = head + render(root) + foot
    if nbytes(whole) <= limit_bytes:
        return whole
    budget = limit_bytes - nbytes(head) - nbytes(foot) - NOTE_ROOM
    try:
        laid = layout(root, budget, prefer_boundaries=False, balance=False)
    except ConfigError:
        raise ConfigError(f"job summary limit {limit_bytes} is too small for this report") from None
    return head + laid.parts[0] + _cut_note(run, laid, s, limit_bytes) + foot
