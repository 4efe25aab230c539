"""Untrusted text (app names, messages, URLs) made inert for markdown and HTML."""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

ZWSP = "\u200b"
"""Zero-width space: breaks @mentions and #refs without changing what a reader sees."""

_WHITESPACE = re.compile(r"[\t\n\r\f\v]+")
# Characters that change how the text around them reads without being seen: C0/C1 controls,
# bidi embeddings, overrides and isolates (Trojan Source, CVE-2021-42574), zero-width and other
# format characters, line/paragraph separators, tag characters. Shown as `\uXXXX` instead.
_HIDDEN = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)
# GitHub's autolink extension turns bare `http://…`, `https://…` and `www.…` into links.
_AUTOLINK = re.compile(r"(?i)\b(https?|www)(?=:|\.)")
# Characters that start markdown structure inline: emphasis, code, links, HTML, tables,
# strikethrough, headings, entities and GitHub math (`$`). CommonMark takes `\` before any of them
# as a literal character.
_MARKDOWN = re.compile(r"([\\`*_\[\]<>&|~#$!])")
# GitHub links @user, @org/team and #123 after rendering, on text outside code.
_PING = re.compile(r"([@#])(?=[0-9A-Za-z])")
_URL_SAFE = "/:?#&=%@+~!$,;*-._"


def visible(text: str) -> str:
    """`text` with every control, bidi and invisible format character shown as `\\uXXXX`
    (tab and line breaks kept): what a reviewer reads is what the text holds."""
    return _HIDDEN.sub(
        lambda m: f"\\u{ord(m[0]):04x}" if ord(m[0]) < 0x10000 else f"\\U{ord(m[0]):08x}", text
    )


def _one_line(text: str, limit: int) -> str:
    text = visible(_WHITESPACE.sub(" ", text)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def unping(text: str) -> str:
    """Stop GitHub from turning `@someone` into a notification, `#12` into a cross-reference or
    a bare URL into a link."""
    return _AUTOLINK.sub(rf"\1{ZWSP}", _PING.sub(rf"\1{ZWSP}", text))


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
