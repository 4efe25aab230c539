"""Fences no content can close; untrusted text made inert for markdown and HTML."""

from __future__ import annotations

from argodiff.report.escape import html_text, md, safe_url, short_sha
from argodiff.report.fence import fence, fence_run
from tests.report.gfm import to_html


def code_blocks(html: str) -> int:
    return html.count("<pre")


def test_fence_outgrows_any_backtick_run() -> None:
    text = "a\n`````\n``` \nb ``````` c\n"
    block = fence(text, "diff")
    assert block.startswith("~~~diff\n")  # tildes: the text has none
    text = "```\n~~~~\n"
    assert fence_run(text) == "````"  # shorter than a tilde fence of five
    html = to_html(fence(text) + "after\n")
    assert code_blocks(html) == 1
    assert "<p>after</p>" in html


def test_fence_of_plain_text_is_three_backticks_and_ends_the_block() -> None:
    assert fence("x: 1") == "```diff\nx: 1\n```\n"
    assert fence("", "text") == "```text\n```\n"


def test_markdown_text_is_literal() -> None:
    raw = "*a* _b_ `c` [d](e) <b>f</b> | ~~g~~ # h $x$ &amp; \\ ![i](j)"
    html = to_html(md(raw) + "\n")
    assert (
        html
        == "<p>*a* _b_ `c` [d](e) &lt;b&gt;f&lt;/b&gt; | ~~g~~ # h $x$ &amp;amp; \\ ![i](j)</p>\n"
    )


def test_text_is_one_line_and_capped() -> None:
    assert md("a\nb\r\nc\td") == "a b c d"
    assert md("x" * 50, limit=10) == "x" * 9 + "…"


def test_mentions_and_issue_references_are_broken() -> None:
    for text in (md("ping @octocat and @org/team, see #12"), html_text("@octocat #12")):
        assert "@octocat" not in text and "#12" not in text
        assert text.replace("\u200b", "").replace("\\", "").endswith(("#12", "@octocat #12"))
    assert md("mail me@example.com") == "mail me@\u200bexample.com"


def test_html_text_is_escaped() -> None:
    assert html_text('</summary></details><img src=x onerror="y">') == (
        "&lt;/summary&gt;&lt;/details&gt;&lt;img src=x onerror=&quot;y&quot;&gt;"
    )


def test_only_http_links_survive() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,x") is None
    assert safe_url("/relative") is None
    assert safe_url("https://a.example/x y|z(1)") == "https://a.example/x%20y%7Cz%281%29"
    assert safe_url("https://a.example/p?q=1&r=%20#frag") == "https://a.example/p?q=1&r=%20#frag"


def test_short_sha() -> None:
    assert short_sha("4f2a9c1e0b7d3a5f6e8c9b0a1d2e3f4a5b6c7d8e") == "4f2a9c1"
    assert short_sha("main") == "main"
    assert short_sha("deadbeef") == "deadbee"
