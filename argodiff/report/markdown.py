"""The whole markdown report, unsplit (for a file or anywhere without a size limit)."""

from __future__ import annotations

from argodiff.model import RunResult
from argodiff.report.catalogue import strings
from argodiff.report.document import Options, body, footer, header
from argodiff.report.layout import render


def render_markdown(run: RunResult, *, lang: str = "en", options: Options | None = None) -> str:
    """Title and what was compared, summary table, errors, one `<details>` per changed app;
    every diff whole (unless `options` fold them)."""
    s, opts = strings(lang), options or Options()
    return header(run, s, opts) + render(body(run, s, opts)) + footer(s, opts)
