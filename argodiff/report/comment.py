"""The PR comment: the markdown report split into parts that each fit one GitHub comment."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from argodiff.errors import ConfigError
from argodiff.model import RunResult
from argodiff.report.catalogue import strings
from argodiff.report.document import Options, body, footer, header
from argodiff.report.layout import layout, nbytes

MAX_CHARS = 65000
"""GitHub rejects bodies over 65,536 "characters" and may count bytes; keep a margin."""
_MARKER = re.compile(r"<!-- argodiff:(\S*?)(?: part=(\d+)/(\d+))? -->")
_PREFIX = re.compile(r"<!-- argodiff:(\S*?)(?: -->)?")
_WIDEST = 9999
"""Part numbers are budgeted as if four digits wide."""


def _quote(instance: str) -> str:
    # Percent-encoding keeps spaces and `>` out, so the marker is one HTML comment on one line.
    return quote(instance, safe=":/.-_~@")


def _marker(instance: str, i: int, n: int) -> str:
    return f"<!-- argodiff:{_quote(instance)} part={i}/{n} -->"


def marker_for(instance: str) -> str:
    """The hidden marker of argodiff's comments for one Argo CD instance: `<!-- argodiff:NAME -->`.

    Each part's first line carries it with its place: `<!-- argodiff:NAME part=i/N -->`, so a
    body is this instance's when parse_marker gives back the instance (a prefix match must
    stop before ` -->` and include the space after NAME, to keep `prod` apart from `prod-eu`).
    """
    return f"<!-- argodiff:{_quote(instance)} -->"


def _instance(marker: str) -> str:
    """The instance a marker names: marker_for's form, or the same without its closing ` -->`."""
    match = _PREFIX.fullmatch(marker.strip())
    if not match:
        raise ConfigError(f"not an argodiff comment marker: {marker!r} (use marker_for)")
    return unquote(match[1])


def parse_marker(body: str) -> tuple[str, int, int] | None:
    """(instance, part, parts) from a comment's first line, or None if argodiff did not write it.

    A complete marker without `part=` (`<!-- argodiff:NAME -->`) reads as part 1 of 1.
    """
    first = body.lstrip().split("\n", 1)[0].strip()
    match = _MARKER.fullmatch(first)
    if not match:
        return None
    i, n = int(match[2] or 1), int(match[3] or 1)
    if not 1 <= i <= n:
        return None
    return unquote(match[1]), i, n


def comment_parts(
    run: RunResult,
    *,
    marker: str,
    max_chars: int = MAX_CHARS,
    lang: str = "en",
    max_parts: int = 0,
    options: Options | None = None,
) -> list[str]:
    """The report as comment bodies of at most `max_chars` characters and UTF-8 bytes each.

    Each starts with `marker` carrying `part=i/N`; each is valid markdown on its own (fences and
    `<details>` closed, continued ones reopened with "(continued)"). `options.summary_hint` is
    a URL of the full report (e.g. the job summary) and `options.artifact_url` of the results
    JSON; the footer links the run and one of them. With `max_parts`, a report needing more
    comments keeps its first `max_parts` parts and says so in the last one. A resource diff
    longer than `options.max_diff_lines` (0, the default: no limit) is folded, saying where the
    whole diff is: the job summary (when `options.summary_whole`) and the results artifact.
    """
    instance = _instance(marker)
    s, opts = strings(lang), options or Options()
    widest = s.part.format(i=_WIDEST, n=_WIDEST)
    notes = (
        s.continued_next.format(i=_WIDEST, n=_WIDEST),
        s.parts_cut.format(shown=_WIDEST, total=_WIDEST),
    )
    overhead = nbytes(_marker(instance, _WIDEST, _WIDEST) + "\n" + header(run, s, opts, widest))
    budget = max_chars - overhead - max(nbytes(footer(s, opts, note)) for note in notes)
    root = body(run, s, opts)
    try:
        parts = layout(root, budget).parts
        total = len(parts)
        if 0 < max_parts < total:
            # Cut: fill the parts that are posted instead of evening them out.
            parts = layout(root, budget, balance=False).parts[:max_parts]
    except ConfigError:
        raise ConfigError(f"comment size limit {max_chars} is too small for this report") from None
    n = len(parts)

    def note(i: int) -> str:
        if i < n:
            return s.continued_next.format(i=i + 1, n=n)
        return s.parts_cut.format(shown=n, total=total) if n < total else ""

    return [
        _marker(instance, i, n)
        + "\n"
        + header(run, s, opts, s.part.format(i=i, n=n) if n > 1 else "")
        + part
        + footer(s, opts, note(i))
        for i, part in enumerate(parts, start=1)
    ]
