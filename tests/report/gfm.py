"""Render markdown as GitHub does (cmark-gfm, raw HTML kept) and check its structure."""

from __future__ import annotations

import re

import cmarkgfm

from argodiff.report.sizes import hunks

_PRE = re.compile(r"<pre\b.*?</pre>", re.S)
_OPENING_FENCE = re.compile(r"^(?:`{3,}|~{3,})\w+$", re.M)
_DETAILS = re.compile(r"</?details>")


UNSAFE = cmarkgfm.Options.CMARK_OPT_UNSAFE
"""Keep raw HTML (`<details>`), as GitHub does before it sanitises."""


def to_html(markdown: str) -> str:
    return str(cmarkgfm.github_flavored_markdown_to_html(markdown, options=UNSAFE))


def outside_code(html: str) -> str:
    """The HTML with every code block removed: what GitHub renders as markup, not as text."""
    return _PRE.sub("", html)


def check_structure(markdown: str, *, hidden: tuple[str, ...] = ()) -> str:
    """Assert `markdown` renders as self-contained GitHub markdown; return its HTML.

    Every fence opened is a code block of its own (none runs to the end and swallows the rest),
    every `<details>` is closed after it opens, the footer renders as markup, and no text in
    `hidden` (diff content) shows outside a code block.
    """
    html = to_html(markdown)
    assert html.count("<pre") == len(_OPENING_FENCE.findall(markdown))
    rest = outside_code(html)
    depth = 0
    for tag in _DETAILS.findall(rest):
        depth += -1 if tag.startswith("</") else 1
        assert depth >= 0, "</details> before its <details>"
    assert depth == 0, "a <details> is left open"
    assert "<sub>argodiff" in rest, "the footer was swallowed"
    for text in hidden:
        assert text not in rest
    return html


def diff_body(diff: str) -> list[str]:
    """The lines of a diff a report must show: its hunks, without the header lines."""
    lines = hunks(diff).split("\n")
    if lines and not lines[-1]:
        lines.pop()
    return lines
