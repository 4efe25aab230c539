"""Hostile manifests, names and messages cannot break a report's structure or ping anyone."""

from __future__ import annotations

import re

import click
import pytest

from argodiff.model import AppResult, AppStatus, Change, ResourceDiff, ResourceKey, RunResult
from argodiff.report.comment import comment_parts, marker_for
from argodiff.report.document import Options
from argodiff.report.markdown import render_markdown
from argodiff.report.summary import step_summary
from argodiff.report.text import render_text
from tests.report.gfm import check_structure, outside_code

HOSTILE_LINES = [
    "+data: |",
    "+  ``````",
    "+  ~~~~~~~",
    "+</details></details>",
    "+<script>alert(1)</script>",
    "+  owner: @octocat please review @lolice/admins",
    "+  fixes #1",
    "::add-mask::hunter2",
    " ::set-output name=pwned::yes",
    "+<!-- argodiff:argocd.example.com part=1/1 -->",
    "+  title: \x1b]0;pwned\x07\x1b[2J\x9b2J\x7f",
]
EVIL_NAME = 'evil</summary></details><img src=x onerror="alert(1)">@octocat|x'


def hostile_run() -> RunResult:
    key = ResourceKey("", "ConfigMap", "ns|x", "cm<b>")
    diff = "\n".join([key.header(), "@@ -1 +1,11 @@", *HOSTILE_LINES]) + "\n"
    res = ResourceDiff(
        key, Change.MODIFIED, diff, paths=["data.<i>x</i>"], notes=["see @octocat </details>"]
    )
    return RunResult(
        mode="revision",
        revision="feature/<b>x</b>",
        server="https://argocd.example.com",
        notices=["fallback @octocat <script>x</script>"],
        apps=[
            AppResult(
                EVIL_NAME,
                AppStatus.CHANGED,
                resources=[res],
                url="javascript:alert(1)",
                compared="live -> </details> @octocat",
                warnings=["```", "</details>"],
                sync_status="<b>OutOfSync</b>",
            ),
            AppResult(
                "err@octocat",
                AppStatus.ERROR,
                error="boom\n```\n</details>\n<script>x</script>\n@octocat\n::add-mask::x",
                file="apps/<x>.yaml",
            ),
            AppResult("also|evil", AppStatus.UNCHANGED, warnings=["@octocat"]),
            AppResult("skipped<script>", AppStatus.SKIPPED, error="@octocat"),
        ],
    )


def markdown_outputs() -> list[str]:
    run = hostile_run()
    title, sha, url = "<h1>@octocat</h1>", "x<b>", "javascript:alert(1)"
    marker = marker_for("argocd.example.com")
    page = Options(title=title, head_sha=sha, run_url=url)
    return [
        render_markdown(run, options=page),
        render_markdown(run, lang="ja", options=page),
        step_summary(run, options=page),
        *comment_parts(
            run, marker=marker, options=Options(title=title, head_sha=sha, summary_hint=url)
        ),
        *comment_parts(
            run, marker=marker, max_chars=1800, options=Options(summary_hint="see @octocat")
        ),
    ]


@pytest.mark.parametrize("index", range(len(markdown_outputs())))
def test_markdown_keeps_its_structure(index: int) -> None:
    md = markdown_outputs()[index]
    markup = outside_code(check_structure(md))
    assert "<script" not in markup
    assert "<img" not in markup
    assert "<h1>" not in markup
    assert "<b>OutOfSync" not in markup
    assert 'href="javascript' not in markup
    assert "::add-mask::" not in markup and "::set-output" not in markup
    assert "argodiff:argocd.example.com part=1/1" not in markup.split("\n", 1)[1]
    assert not re.search(r"(?<![\w/])@[A-Za-z0-9]", markup), "an @mention would ping"
    assert not re.search(r"(?<![\w&])#\d", markup), "an #issue reference would link"


def test_hostile_lines_stay_inside_code_blocks() -> None:
    md = render_markdown(hostile_run())
    html = check_structure(md)
    code = "".join(re.findall(r"<pre\b.*?</pre>", html, re.S))
    for text in ("``````", "&lt;/details&gt;&lt;/details&gt;", "&lt;script&gt;", "@octocat"):
        assert text in code
    assert "::add-mask::hunter2" in code


def test_table_cells_stay_cells() -> None:
    html = check_structure(render_markdown(hostile_run()))
    table = html.split("<table>")[1].split("</table>", 1)[0]
    rows = table.split("<tr>")[1:]
    assert len(rows) == 3  # header, the changed app, the failed app
    assert {row.count("<td") + row.count("<th") for row in rows} == {8}


def test_text_report_cannot_drive_the_terminal() -> None:
    run = hostile_run()
    plain = render_text(run)
    assert "\x1b" not in plain and "\x07" not in plain
    assert "title: ␛]0;pwned␇␛[2J\ufffd2J␡" in plain
    assert "\x9b" not in plain
    coloured = render_text(run, color=True)
    assert "\x1b]0;" not in coloured
    assert click.unstyle(coloured) == plain
