"""The terminal report: plain for logs and pipes, coloured for a terminal."""

from __future__ import annotations

import click

from argodiff.model import AppResult, AppStatus, RunResult
from argodiff.report.text import render_text
from tests.report.sample import small_run


def full_run() -> RunResult:
    run = small_run()
    run.notices = ["Argo CD did not answer; fell back to offline mode"]
    run.apps[0].warnings = ["Secret values are masked by Argo CD"]
    run.apps[0].resources[0].notes = ["data.password: value changed (hidden)"]
    run.apps += [
        AppResult("tidb", AppStatus.ERROR, error="kustomize build failed:\nno such file: base/"),
        AppResult("vault", AppStatus.SKIPPED, error="not managed by this Argo CD"),
    ]
    return run


def test_plain_report_reads_top_to_bottom() -> None:
    out = render_text(full_run())
    lines = out.splitlines()
    assert lines[0] == "!!! NOTICE: Argo CD did not answer; fell back to offline mode"
    assert (
        lines[1] == "Compared: live cluster ⇄ 4f2a9c1, rendered by Argo CD (via argocd.example.com)"
    )
    assert (
        "longhorn [changed] | OutOfSync/Healthy | live -> 4f2a9c1 (rendered by Argo CD)"
        " | 1 added, 1 modified"
    ) in lines
    diff = small_run().apps[0].resources[0].diff
    assert diff.rstrip("\n") in out  # the unified diff, verbatim
    assert "  note: data.password: value changed (hidden)" in lines
    assert "  warning: Secret values are masked by Argo CD" in lines
    assert "calico [unchanged] | Synced/Healthy | live -> 4f2a9c1 (rendered by Argo CD)" in lines
    assert "tidb [ERROR]" in lines
    assert "  ERROR: kustomize build failed:" in lines
    assert "  ERROR: no such file: base/" in lines
    assert "  skipped: not managed by this Argo CD" in lines
    assert lines[-1] == "4 apps: 1 changed, 1 unchanged, 1 error, 1 skipped"
    assert "\x1b" not in out


def test_summary_line_leaves_out_empty_counts() -> None:
    run = small_run()
    assert render_text(run).splitlines()[-1] == "2 apps: 1 changed, 1 unchanged"
    assert render_text(RunResult()).splitlines()[-1] == "0 apps"


def test_colour_marks_additions_removals_and_headers() -> None:
    run = full_run()
    plain, coloured = render_text(run), render_text(run, color=True)
    assert click.unstyle(coloured) == plain
    lines = coloured.splitlines()
    assert click.style("+  replicas: 2", fg="green") in lines
    assert click.style("-  replicas: 1", fg="red") in lines
    assert click.style("@@ -1,3 +1,3 @@", fg="cyan") in lines
    key = run.apps[0].resources[0].key
    assert click.style(key.header(), fg="cyan") in lines
    header = next(line for line in lines if "longhorn [changed]" in line)
    assert header.startswith("\x1b[33m\x1b[1m")  # bold yellow
    assert click.style("  ERROR: kustomize build failed:", fg="red") in lines
    assert lines[0] == click.style(plain.splitlines()[0], fg="red", bold=True)


def test_file_headers_are_bold_not_red_or_green() -> None:
    run = small_run()
    key = run.apps[0].resources[0].key
    run.apps[0].resources[0].diff = "\n".join(
        [key.header(), "--- live", "+++ predicted", "@@ -1 +1 @@", "---", "+++x"]
    )
    lines = render_text(run, color=True).splitlines()
    assert click.style("--- live", bold=True) in lines
    assert click.style("+++ predicted", bold=True) in lines
    # Inside a hunk the same prefixes are a removed `--` line and an added `++x` line.
    assert click.style("---", fg="red") in lines
    assert click.style("+++x", fg="green") in lines


def test_untouched_apps_share_one_line() -> None:
    run = RunResult(
        apps=[
            AppResult(name="argocd", status=AppStatus.SKIPPED, compared="not affected"),
            AppResult(name="calico", status=AppStatus.SKIPPED, compared="not affected"),
            AppResult(name="late", status=AppStatus.SKIPPED, error="not diffed: time limit"),
        ]
    )
    text = render_text(run)
    assert "skipped (not affected): argocd, calico" in text
    assert "argocd [skipped]" not in text
    assert "late [skipped]" in text and "not diffed: time limit" in text


def test_modified_resources_list_their_changed_fields() -> None:
    run = small_run()
    text = render_text(run).splitlines()
    modified = [r for app in run.apps for r in app.resources if r.paths]
    assert modified, "the sample run has a modified resource"
    for res in modified:
        assert f"  changed: {', '.join(res.paths)}" in text
