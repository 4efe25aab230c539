"""The full markdown report: what a reader of the PR sees, rendered as GitHub renders it."""

from __future__ import annotations

import re

import pytest

from argodiff.errors import ConfigError
from argodiff.model import AppResult, AppStatus, RunResult
from argodiff.report.comment import comment_parts, marker_for
from argodiff.report.document import Options
from argodiff.report.markdown import render_markdown
from tests.report.gfm import check_structure, outside_code, to_html
from tests.report.sample import SHA, app, big_run, small_run

RUN_URL = "https://github.com/lolice/argoproj/actions/runs/42"


def full_run() -> RunResult:
    run = small_run()
    run.notices = ["Argo CD did not answer; fell back to offline mode"]
    run.apps[0].warnings = ["Secret values are masked by Argo CD"]
    run.apps[0].file = "argoproj/longhorn/application.yaml"
    run.apps[0].resources[0].notes = ["data.password: value changed (hidden)"]
    run.apps += [
        app("tidb", AppStatus.ERROR, error="kustomize build failed:\nno such file: base/"),
        AppResult("vault", AppStatus.SKIPPED, error="not managed by this Argo CD"),
    ]
    return run


@pytest.fixture
def html() -> str:
    md = render_markdown(full_run(), options=Options(title="lolice", head_sha=SHA, run_url=RUN_URL))
    return check_structure(md)


def test_title_says_what_was_compared(html: str) -> None:
    first = html.split("</h2>", maxsplit=1)[0]
    assert first.endswith(">lolice")
    compared = re.sub(r"<[^>]+>", "", html.split("</h2>")[1].split("</p>", maxsplit=1)[0])
    assert compared.strip() == (
        "Compared: live cluster ⇄ 4f2a9c1, rendered by Argo CD · Argo CD: argocd.example.com"
    )


def test_notices_come_first_as_a_warning(html: str) -> None:
    notice = html.index("fell back to offline mode")
    assert "[!WARNING]" in html[:notice]
    assert notice < html.index("<table>")


def test_summary_table_has_a_row_per_changed_or_failed_app(html: str) -> None:
    table = html.split("<table>")[1].split("</table>", maxsplit=1)[0]
    header = re.findall(r"<th[^>]*>(.*?)</th>", table)
    assert header == [
        "App", "Result", "Sync", "Health", "Added", "Modified", "Removed", "Lines", "Argo CD"
    ]  # fmt: skip
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in table.split("<tr>")[2:]]
    assert [r[0] for r in rows] == ["tidb", "longhorn"]  # errors first
    longhorn = rows[1]
    assert longhorn[1:8] == ["📝 changed", "⚠️ OutOfSync", "💚 Healthy", "1", "1", "0", "+2 −1"]
    assert 'href="https://argocd.example.com/applications/argocd/longhorn"' in longhorn[8]
    assert rows[0][1] == "❌ error"
    assert rows[0][4:8] == ["—", "—", "—", "—"]


def test_each_changed_app_is_a_details_block_with_diff_fences(html: str) -> None:
    blocks = re.findall(r"<details>\s*<summary>(.*?)</summary>(.*?)</details>", html, re.S)
    summaries = [s for s, _ in blocks]
    assert summaries[0] == "📝 <b>longhorn</b> — 1 added, 1 modified · +2 −1"
    inner = blocks[0][1]
    assert inner.count('<pre lang="diff"><code>') == 2
    assert "+  replicas: 2" in inner and "-  replicas: 1" in inner
    assert "Changed fields: spec.replicas" in inner
    assert "<li>data.password: value changed (hidden)</li>" in inner
    assert "Secret values are masked by Argo CD" in inner
    assert "<strong>Defined in:</strong> argoproj/longhorn/application.yaml" in inner
    assert 'href="https://argocd.example.com/applications/argocd/longhorn">Open in Argo CD' in inner


def test_errors_get_their_own_section_with_the_message_in_a_code_block(html: str) -> None:
    errors = html.split("❌ Errors</h3>")[1].split("<h3>", maxsplit=1)[0]
    assert "<strong>❌ tidb</strong>" in errors
    assert (
        "<code>Cause: no such file: base/\n\nkustomize build failed:\nno such file: base/\n</code>"
        in errors
    )
    assert html.index("❌ Errors") < html.index("📝 Changes")


def test_an_error_without_a_message_is_still_listed() -> None:
    run = RunResult(apps=[AppResult("tidb", AppStatus.ERROR)])
    errors = to_html(render_markdown(run)).split("❌ Errors</h3>")[1]
    assert "<strong>❌ tidb</strong>" in errors
    assert "<code>(no error message)\n</code>" in errors


def test_unchanged_and_skipped_apps_are_listed_compactly(html: str) -> None:
    assert "<summary>✅ Unchanged (1)</summary>" in html
    assert "<summary>⏭️ Skipped (1)</summary>" in html
    assert "<li>vault: not managed by this Argo CD</li>" in html


def test_footer_names_the_commit_and_links_the_run(html: str) -> None:
    footer = html.split("<sub>")[1]
    assert f"<code>{SHA[:7]}</code>" in footer
    assert f'href="{RUN_URL}"' in footer


def test_no_applications() -> None:
    html = to_html(render_markdown(RunResult(mode="revision", revision=SHA)))
    assert "No Argo CD applications were compared." in html


def test_japanese_report() -> None:
    run = full_run()
    md = render_markdown(run, lang="ja")
    text = outside_code(check_structure(md))
    for phrase in ("Argo CD 差分", "比較対象", "ライブ環境", "エラー", "変更内容", "定義ファイル"):
        assert phrase in text
    assert "アプリ 4 件: 変更あり 1 件、変更なし 1 件、エラー 1 件、スキップ 1 件" in text
    assert "<th>追加</th>" in text and "<th>変更</th>" in text and "<th>削除</th>" in text
    assert "<b>longhorn</b> — 追加 1、変更 1 · +2 −1" in text
    assert "変更なし (1)" in text and "スキップ (1)" in text
    unchanged = RunResult(apps=[app("calico", AppStatus.UNCHANGED)])
    assert "変更なし: 比較した 1 件のアプリに差分はありません。" in render_markdown(
        unchanged, lang="ja"
    )
    parts = comment_parts(big_run(0.3), marker=marker_for("x"), lang="ja", max_chars=20000)
    assert "パート 1/" in parts[0] and "(続き)" in parts[1]
    assert f"パート 2/{len(parts)} に続きます。" in parts[0]


def test_unknown_language_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="unknown report language 'fr'"):
        render_markdown(small_run(), lang="fr")
