"""Untrusted text (app names, messages, URLs) made inert for markdown and HTML."""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

ZWSP = "\u200b"
"""Zero-width space: breaks @mentions and #refs without changing what a reader sees."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
# Characters that start markdown structure inline: emphasis, code, links, HTML, tables,
# strikethrough, headings, entities and GitHub math (`$`). CommonMark takes `\` before any of them
# as a literal character.
_MARKDOWN = re.compile(r"([\\`*_\[\]<>&|~#$!])")
# GitHub links @user, @org/team and #123 after rendering, on text outside code.
_PING = re.compile(r"([@#])(?=[0-9A-Za-z])")
_URL_SAFE = "/:?#&=%@+~!$,;*-._"


def _one_line(text: str, limit: int) -> str:
    text = _CONTROL.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def unping(text: str) -> str:
    """Stop GitHub from turning `@someone` into a notification or `#12` into a cross-reference."""
    return _PING.sub(rf"\1{ZWSP}", text)


def md(text: str, limit: int = 1000) -> str:
    """Plain text for a markdown paragraph, list item or table cell: one line, no markup."""
    return unping(_MARKDOWN.sub(r"\\\1", _one_line(text, limit)))


def html_text(text: str, limit: int = 200) -> str:
    """Plain text for inside an HTML element (`<summary>`), where markdown is not parsed."""
    return unping(html.escape(_one_line(text, limit), quote=True))


def safe_url(url: str) -> str | None:
    """An http(s) URL fit for a markdown link destination or an href, or None."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    # Parentheses, `|`, quotes, spaces and angle brackets would end the link or the table cell.
    return quote(url.strip(), safe=_URL_SAFE)


def host(server: str) -> str:
    """The host of a server URL (`https://argocd.example.com/` -> `argocd.example.com`)."""
    return urlsplit(server).netloc or server


def short_sha(revision: str) -> str:
    """A commit SHA as its usual 7-character form; anything else (a branch) unchanged."""
    if re.fullmatch(r"[0-9a-f]{8,64}", revision):
        return revision[:7]
    return revision
