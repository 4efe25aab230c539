"""Each app's diff mode is visible: terminal text, the comment's app section, a legend."""

from __future__ import annotations

from argodiff.model import AppStatus, RunResult
from argodiff.report.markdown import render_markdown
from argodiff.report.text import render_text
from tests.report.sample import small_run


def _run() -> RunResult:
    run = small_run()
    for app in run.apps:
        app.diff_mode = "structured-merge"
    return run


def test_the_comment_names_each_changed_apps_mode_and_explains_them() -> None:
    text = render_markdown(_run())
    assert "**Diff:** structured merge" in text
    assert "**structured merge**: a ServerSideApply app" in text
    assert text.count("**server-side**") == 1  # the legend, once


def test_the_japanese_comment_too() -> None:
    text = render_markdown(_run(), lang="ja")
    assert "**差分方式:** 構造化マージ" in text
    assert "**構造化マージ**: ServerSideApply のアプリ" in text


def test_the_terminal_shows_the_mode_per_app_and_a_legend() -> None:
    text = render_text(_run())
    [longhorn] = [line for line in text.splitlines() if line.startswith("longhorn [")]
    assert "diff: structured-merge" in longhorn
    assert "structured-merge = ServerSideApply app, from managedFields" in text


def test_no_legend_without_modes() -> None:
    run = small_run()
    assert all(a.diff_mode == "" for a in run.apps)
    assert "structured merge" not in render_markdown(run)
    assert "three-way =" not in render_text(run)
    assert any(a.status is AppStatus.CHANGED for a in run.apps)
