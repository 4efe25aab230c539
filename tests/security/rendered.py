"""Markdown as GitHub renders it (cmark-gfm, raw HTML kept, before sanitising), walked as a
tree: where each tag and each piece of text sits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import cmarkgfm

UNSAFE = cmarkgfm.Options.CMARK_OPT_UNSAFE
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "source", "area"})
_CODE = frozenset({"pre", "code"})
# GitHub links `@user` and `@org/team` in text outside code and links, when the `@` does not
# follow a word character (html-pipeline's MentionFilter).
_MENTION = re.compile(r"(?<![0-9A-Za-z_`])@[0-9A-Za-z][0-9A-Za-z-]*(?:/[0-9A-Za-z][\w.-]*)?")


@dataclass(frozen=True)
class Node:
    tag: str
    """The element's tag, or "" for text."""
    text: str
    attrs: tuple[tuple[str, str | None], ...]
    ancestors: tuple[str, ...]


class Rendered(HTMLParser):
    """The HTML of one markdown document, its elements and texts with their ancestors."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[Node] = []
        self.problems: list[str] = []
        self._open: list[str] = []

    @classmethod
    def of(cls, markdown: str) -> Rendered:
        html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=UNSAFE)
        tree = cls()
        tree.feed(str(html))
        tree.close()
        if tree._open:
            tree.problems.append(f"left open at the end: {tree._open}")
        return tree

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.nodes.append(Node(tag, "", tuple(attrs), tuple(self._open)))
        if tag not in _VOID:
            self._open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.nodes.append(Node(tag, "", tuple(attrs), tuple(self._open)))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._open:
            self.problems.append(f"</{tag}> closes nothing (open: {self._open})")
            return
        while self._open.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        self.nodes.append(Node("", data, (), tuple(self._open)))

    # --- what a reader of the PR would get ------------------------------------------------

    def texts(self) -> list[Node]:
        return [n for n in self.nodes if not n.tag]

    def tags(self, name: str) -> list[Node]:
        return [n for n in self.nodes if n.tag == name]

    def pings(self) -> list[str]:
        """Mentions GitHub would turn into notifications: in text outside code and links."""
        return [
            m.group(0)
            for n in self.texts()
            if not (_CODE | {"a"}) & set(n.ancestors)
            for m in _MENTION.finditer(n.text)
        ]

    def outside_code(self, needle: str) -> list[str]:
        """Texts holding `needle` that are not inside a `<pre>` block."""
        return [n.text for n in self.texts() if needle in n.text and "pre" not in n.ancestors]

    def code_text(self) -> str:
        """All text inside `<pre>` blocks, joined."""
        return "".join(n.text for n in self.texts() if "pre" in n.ancestors)

    def inside_code(self, needle: str) -> list[str]:
        return [n.text for n in self.texts() if needle in n.text and "pre" in n.ancestors]
