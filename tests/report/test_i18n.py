"""Every string of the comment, summary and terminal report in English and Japanese."""

from __future__ import annotations

import dataclasses
import string
from typing import Any

import pytest

from argodiff import messages
from argodiff.messages import CATALOGUE, translate
from argodiff.model import (
    AppResult,
    AppStatus,
    Comparison,
    Lifecycle,
    RenderedBy,
    RunResult,
    Side,
    SideKind,
)
from argodiff.report.catalogue import EN, JA, LANGUAGES, LOCALES, parse
from argodiff.report.comment import comment_parts, marker_for
from argodiff.report.i18n import app_comparison
from argodiff.report.markdown import render_markdown
from argodiff.report.text import render_text
from tests.report.gfm import check_structure, outside_code
from tests.report.sample import SHA, app, small_run


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _leaves(value: Any) -> dict[str, str]:
    """Every string in a field, keyed by where it is."""
    if isinstance(value, str):
        return {"": value}
    if isinstance(value, dict):
        return {f"[{k}]{p}": v for k, item in value.items() for p, v in _leaves(item).items()}
    if isinstance(value, tuple):
        return {f"[{i}]{p}": v for i, item in enumerate(value) for p, v in _leaves(item).items()}
    raise TypeError(type(value))


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(EN)])
def test_every_report_string_exists_in_both_languages(field: str) -> None:
    english, japanese = _leaves(getattr(EN, field)), _leaves(getattr(JA, field))
    assert english.keys() == japanese.keys(), f"{field}: a key is missing in one language"
    for where, text in english.items():
        assert text.strip(), f"{field}{where}: empty in English"
        assert japanese[where].strip(), f"{field}{where}: empty in Japanese"
        assert _fields(text) == _fields(japanese[where]), f"{field}{where}: fields differ"


def test_the_languages_are_the_ones_offered() -> None:
    assert set(LANGUAGES) == {"en", "ja"}


def test_a_language_file_lacking_a_key_or_holding_one_too_many_is_refused() -> None:
    english = LOCALES.joinpath("en.yaml").read_text(encoding="utf-8")
    assert parse("en", english) == EN
    with pytest.raises(ValueError, match=r"en\.yaml: no title$"):
        parse("en", english.replace('\ntitle: "Argo CD diff"\n', "\n"))
    with pytest.raises(ValueError, match=r"en\.yaml: unknown titel$"):
        parse("en", english + 'titel: "Argo CD diff"\n')
    with pytest.raises(ValueError, match="sides: the keys are not live, revision, worktree"):
        parse("en", english.replace('  none: "nothing"\n', ""))
    with pytest.raises(ValueError, match=r"statuses\.error: not a list of 2"):
        parse("en", english.replace('error: ["{n} error", "{n} errors"]', 'error: "{n} errors"'))
    with pytest.raises(ValueError, match="list_sep: not a string"):
        parse("en", english.replace('list_sep: ", "', "list_sep: 1"))


@pytest.mark.parametrize("message", CATALOGUE, ids=lambda m: m.en[:30])
def test_every_message_exists_in_both_languages_and_is_recognised(
    message: messages.Message,
) -> None:
    assert message.en.strip() and message.ja.strip()
    assert _fields(message.en) == _fields(message.ja)
    args = {name: f"<{name}>" for name in _fields(message.en)}
    assert translate(message(**args), "ja") == message.ja.format(**args)
    assert translate(message(**args), "en") == message(**args)


def test_nested_messages_are_translated_and_foreign_text_is_kept() -> None:
    notice = messages.FALLBACK(why=messages.UNREACHABLE(error="connection refused"))
    assert translate(notice, "ja").startswith(
        "フォールバック: Argo CD に接続できませんでした (connection refused)。"
    )
    assert translate("kustomize: accumulating resources", "ja") == (
        "kustomize: accumulating resources"
    )


def _japanese_run() -> RunResult:
    run = small_run()
    run.notices = [messages.FALLBACK(why=messages.NO_SERVER())]
    run.apps[0].warnings = [
        messages.SOURCE_NOT_RENDERED(n=2, what="grafana", detail="helm pull: no network")
    ]
    new = app("loki", AppStatus.CHANGED, *small_run().apps[0].resources)
    new.lifecycle = Lifecycle.NEW
    new.comparison = Comparison(
        "offline", Side(SideKind.NONE), Side(SideKind.REVISION, SHA), RenderedBy.ARGODIFF
    )
    run.apps += [
        new,
        AppResult("vault", AppStatus.SKIPPED, compared=messages.NOT_AFFECTED()),
        AppResult("tidb", AppStatus.ERROR, error=messages.TIMED_OUT(seconds="30")),
    ]
    return run


ENGLISH = (
    "Compared", "Changes", "Errors", "Warning", "changed", "added", "modified", "Defined in",
    "FALLBACK", "not rendered offline", "not affected", "time limit", "Unchanged", "Skipped",
    "new app", "(continued)",
)  # fmt: skip


def test_a_japanese_comment_has_no_english_fixed_text() -> None:
    run = _japanese_run()
    for md in (
        render_markdown(run, lang="ja"),
        *comment_parts(run, marker=marker_for("x"), lang="ja", max_chars=6000),
    ):
        text = outside_code(check_structure(md))
        for word in ENGLISH:
            assert word not in text, word
        assert ") (続き)" not in md and "(続き) (続き)" not in md, "a doubled label"
    whole = render_markdown(run, lang="ja")
    assert "🆕 新規アプリ" in whole
    assert "フォールバック" in whole and "スキップ" in whole
    assert "ソース 2 (grafana) はオフラインでレンダリングできませんでした" in whole


def test_the_terminal_report_speaks_japanese_too() -> None:
    text = render_text(_japanese_run(), lang="ja")
    assert "比較対象" in text and "お知らせ" in text and "警告" in text
    for word in ("Compared", "NOTICE", "warning:", "ERROR:", "skipped ("):
        assert word not in text, word


def test_the_comparison_is_phrased_from_facts_in_each_language() -> None:
    what = Comparison(
        "revision", Side(SideKind.LIVE), Side(SideKind.REVISION, SHA), RenderedBy.ARGOCD
    )
    assert app_comparison(what, EN, lambda r: r[:7]) == "live → 4f2a9c1 (rendered by Argo CD)"
    assert (
        app_comparison(what, JA, lambda r: r[:7]) == "ライブ環境 → 4f2a9c1(Argo CD でレンダリング)"
    )
    offline = Comparison(
        "offline",
        Side(SideKind.REVISION, SHA, "main"),
        Side(SideKind.WORKTREE),
        RenderedBy.ARGODIFF,
    )
    assert app_comparison(offline, EN, lambda r: r[:7]) == (
        "main (4f2a9c1) → working tree (both rendered locally)"
    )
