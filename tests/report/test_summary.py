"""The job summary: the whole report when it fits, else cut cleanly with a note of what is cut."""

from __future__ import annotations

import re

import pytest

from argodiff.errors import ConfigError
from argodiff.model import RunResult
from argodiff.report.document import Options
from argodiff.report.markdown import render_markdown
from argodiff.report.summary import step_summary
from tests.report.gfm import check_structure, outside_code
from tests.report.sample import SHA, big_run, small_run

RUN_URL = "https://github.com/lolice/argoproj/actions/runs/42"


def number(pattern: str, text: str) -> int:
    match = re.search(pattern, text)
    assert match, pattern
    return int(match[1])


@pytest.fixture(scope="module")
def big() -> RunResult:
    return big_run()


def test_a_report_that_fits_is_the_full_report() -> None:
    run, options = small_run(), Options(head_sha=SHA, run_url=RUN_URL)
    assert step_summary(run, options=options) == render_markdown(run, options=options)


def test_two_megabytes_are_cut_below_the_default_limit(big: RunResult) -> None:
    summary = step_summary(big, options=Options(head_sha=SHA, run_url=RUN_URL))
    assert 900_000 < len(summary.encode()) <= 1_000_000
    text = outside_code(check_structure(summary, hidden=("DIFFLINE",)))
    assert "[!CAUTION]" in summary
    assert "cut to stay under the 1,000,000-byte limit of a GitHub job summary" in text
    # The errors and the table come before the diffs, so they survive any cut.
    assert "broken" in text and "<table>" in text


def test_the_note_names_what_was_cut(big: RunResult) -> None:
    summary = step_summary(big, limit_bytes=300_000)
    assert len(summary.encode()) <= 300_000
    check_structure(summary, hidden=("DIFFLINE",))
    note = summary.split("[!CAUTION]")[1]
    # grafana's 1.5 MB resource comes first and is cut.
    assert number(r"Shown in full: (\d+) of 5 changed apps", note) == 0
    cut = note.split("Cut: ")[1].split(". The complete")[0]
    assert cut.startswith("grafana, service-0, service-1, service-2, service-3, Unchanged (2)")


def test_whole_apps_before_the_cut_count_as_shown(big: RunResult) -> None:
    run = RunResult(apps=[a for a in big.apps if a.name != "grafana"], mode="revision")
    summary = step_summary(run, limit_bytes=300_000)
    shown = number(r"Shown in full: (\d+) of 4", summary)
    # Each app's large diffs come after every app's small ones, under "Large diffs".
    large = summary.split("Large diffs")[-1]
    whole = [a for a in ("service-0", "service-1", "service-2") if f"<b>{a}</b>" in large]
    assert shown >= 1
    assert shown == len(whole) - 1  # the last app reached is the one cut


def test_too_small_a_limit_is_a_clear_error(big: RunResult) -> None:
    with pytest.raises(ConfigError, match="job summary limit 4000 is too small"):
        step_summary(big, limit_bytes=4000)


def test_japanese_note(big: RunResult) -> None:
    summary = step_summary(big, lang="ja", limit_bytes=200_000)
    assert len(summary.encode()) <= 200_000
    assert "GitHub のジョブサマリーの上限(200,000 バイト)に収めるため" in summary
