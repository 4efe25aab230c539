"""The PR comment: marker, parts within GitHub's limit, each valid on its own."""

from __future__ import annotations

import re
import time

import pytest
from github import Github

from argodiff.errors import ConfigError
from argodiff.github.api import StickyComment
from argodiff.model import AppStatus, RunResult
from argodiff.report.comment import comment_parts, marker_for, parse_marker
from argodiff.report.document import Options
from argodiff.report.markdown import render_markdown
from tests.report.gfm import check_structure, diff_body, outside_code, to_html
from tests.report.sample import SHA, app, big_run, small_run

MARKER = marker_for("argocd.example.com")
LIMIT = 65000


@pytest.fixture(scope="module")
def big() -> RunResult:
    return big_run()


@pytest.fixture(scope="module")
def big_parts(big: RunResult) -> list[str]:
    return comment_parts(
        big, marker=MARKER, options=Options(head_sha=SHA, run_url="https://github.com/o/r/run/1")
    )


def test_marker_round_trip() -> None:
    for instance in ("argocd.example.com", "argocd.example.com:8443/sub", "two words -->", ""):
        assert parse_marker(marker_for(instance)) == (instance, 1, 1)
        (part,) = comment_parts(small_run(), marker=marker_for(instance))
        assert parse_marker(part) == (instance, 1, 1)


def test_marker_keeps_instances_apart() -> None:
    """`prod` and `prod-eu` comments: only the marker's own prefix and a space starts a part."""
    (part,) = comment_parts(small_run(), marker=marker_for("prod-eu"))
    assert part.startswith(marker_for("prod-eu").removesuffix(" -->") + " ")
    assert not part.startswith(marker_for("prod").removesuffix(" -->") + " ")
    assert parse_marker(part) == ("prod-eu", 1, 1)


def test_the_publisher_recognises_its_parts(big_parts: list[str]) -> None:
    sticky = StickyComment(Github(), "lolice/argoproj", 7, instance_marker=MARKER)
    assert all(sticky.is_ours(part) for part in big_parts)
    (other,) = comment_parts(small_run(), marker=marker_for("argocd.example.com-eu"))
    assert not sticky.is_ours(other)


def test_marker_line_is_one_hidden_html_comment() -> None:
    (part,) = comment_parts(small_run(), marker=marker_for("evil --> <b>x</b>\nnext"))
    first = part.split("\n", 1)[0]
    assert first.count("-->") == 1 and first.endswith(" part=1/1 -->")
    assert to_html(part).startswith(first + "\n<h2>")


def test_parse_marker_rejects_other_comments() -> None:
    assert parse_marker("LGTM <!-- argodiff:x -->") is None
    assert parse_marker("<!-- argodiff:x part=3/2 -->\n") is None
    assert parse_marker("<!-- sticky -->\nargodiff") is None
    # GitHub returns bodies with CRLF line ends.
    assert parse_marker("<!-- argodiff:x part=2/3 -->\r\n## title") == ("x", 2, 3)


def test_marker_must_come_from_marker_for() -> None:
    with pytest.raises(ConfigError, match="marker"):
        comment_parts(small_run(), marker="<!-- mine -->")
    # The marker without its closing ` -->` (a prefix, as StickyComment takes it) works too.
    (part,) = comment_parts(small_run(), marker="<!-- argodiff:x")
    assert parse_marker(part) == ("x", 1, 1)


def test_small_run_is_one_part_like_the_full_report() -> None:
    run = small_run()
    (part,) = comment_parts(run, marker=MARKER)
    assert part.startswith("<!-- argodiff:argocd.example.com part=1/1 -->\n")
    assert "part 1/1" not in part.split("\n", 1)[1]
    assert part.split("\n", 1)[1] == render_markdown(run)
    check_structure(part)


def test_every_part_fits_in_characters_and_bytes(big_parts: list[str]) -> None:
    assert len(big_parts) > 20
    for part in big_parts:
        assert len(part) <= LIMIT
        assert len(part.encode()) <= LIMIT


def test_every_part_is_marked_labelled_and_valid_markdown(big_parts: list[str]) -> None:
    n = len(big_parts)
    for i, part in enumerate(big_parts, start=1):
        assert parse_marker(part) == ("argocd.example.com", i, n)
        assert f"· part {i}/{n}\n" in part
        check_structure(part, hidden=("DIFFLINE",))
        if i < n:
            assert f"Continued in part {i + 1}/{n}." in part


def fenced_lines(part: str) -> list[str]:
    """The lines inside the part's code blocks, in order."""
    return [
        line
        for block in re.findall(r"^(`{3,}|~{3,})\w+\n(.*?)^\1$", part, re.S | re.M)
        for line in block[1].split("\n")
    ]


def test_parts_lose_no_diff_line(big: RunResult, big_parts: list[str]) -> None:
    """Every line of every diff is in a code block of some part; the 100 kB line in pieces."""
    shown = [line for part in big_parts for line in fenced_lines(part)]
    present = set(shown)
    long_lines = []
    for res in (r for a in big.apps for r in a.resources):
        for line in diff_body(res.diff):
            if len(line) > LIMIT:
                long_lines.append(line)
            else:
                assert line in present
    pieces = [line for line in shown if "abab" in line]
    assert len(pieces) > 1
    assert pieces[0] + "".join(p.removeprefix("+") for p in pieces[1:]) == long_lines[0]


def test_continued_apps_resources_and_hunks_repeat_their_header(big_parts: list[str]) -> None:
    grafana = (
        "<summary>📝 <b>grafana</b> — 1 added, 1 modified · +15020 −15020 (continued)</summary>"
    )
    title = "**✏️ ConfigMap monitoring/grafana-dashboards** (modified, +15000 −15000, continued)"
    continued = [p for p in big_parts if title in p]
    assert len(continued) > 1
    for part in continued:
        assert grafana in part
        # The diff goes on under its hunk header, not mid-hunk.
        assert part.split(title, 1)[1].split("```diff\n", 1)[1].startswith("@@ -1,30000 ")


def test_apps_are_not_split_when_a_part_can_hold_them() -> None:
    """Only grafana (1.5 MB in one resource) and service-0 (a 100 kB line) are continued; the
    other 25 kB apps each stay whole."""
    parts = comment_parts(big_run(total_mb=1.6), marker=MARKER)
    continued = {
        name for part in parts for name in re.findall(r"<b>(.*?)</b> — .* \(continued\)<", part)
    }
    assert continued == {"grafana", "service-0"}


def test_parts_are_balanced_and_deterministic(big: RunResult, big_parts: list[str]) -> None:
    sizes = [len(p.encode()) for p in big_parts]
    # The first part ends where the 100 kB line, too long for any part, starts a part of its
    # own: it holds the table, the errors and the small diffs.
    assert min(sizes[1:-1]) > LIMIT * 0.6
    assert sizes[-1] > LIMIT * 0.3  # the last part is no stub
    again = comment_parts(
        big, marker=MARKER, options=Options(head_sha=SHA, run_url="https://github.com/o/r/run/1")
    )
    assert again == big_parts


def test_two_megabytes_split_fast(big: RunResult) -> None:
    """Not a timing test: it prints the figure for the report on speed."""
    start = time.perf_counter()
    parts = comment_parts(big, marker=MARKER)
    print(f"\n2 MB of diff -> {len(parts)} parts in {time.perf_counter() - start:.3f} s")
    assert parts


def test_small_limits_still_hold(big: RunResult) -> None:
    run = RunResult(apps=big.apps[:3], mode="revision", revision=SHA)
    for limit in (6000, 20000):
        parts = comment_parts(run, marker=MARKER, max_chars=limit)
        for part in parts:
            assert len(part.encode()) <= limit
            check_structure(part, hidden=("DIFFLINE",))


def test_too_small_a_limit_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="comment size limit 400 is too small"):
        comment_parts(big_run(0.1), marker=MARKER, max_chars=400)


def test_max_parts_posts_the_first_parts_and_says_so(big: RunResult, big_parts: list[str]) -> None:
    hint = "https://github.com/o/r/actions/runs/9#summary"
    parts = comment_parts(big, marker=MARKER, max_parts=3, options=Options(summary_hint=hint))
    assert [parse_marker(p) for p in parts] == [("argocd.example.com", i, 3) for i in (1, 2, 3)]
    note = f"This report needs {len(big_parts)} comments; only the first 3 are posted."
    assert note in parts[-1] and f"[job summary]({hint})" in parts[-1]
    for part in parts[1:]:
        assert LIMIT * 0.9 < len(part.encode()) <= LIMIT  # filled, not evened out
    for part in parts:
        check_structure(part, hidden=("DIFFLINE",))
    (one,) = comment_parts(small_run(), marker=MARKER, max_parts=1)
    assert "only the first" not in one


def test_the_summary_hint_links_the_full_report() -> None:
    url = "https://github.com/o/r/actions/runs/9#summary"
    (part,) = comment_parts(small_run(), marker=MARKER, options=Options(summary_hint=url))
    assert f"[job summary]({url})" in part
    run_url = "https://github.com/o/r/actions/runs/9"
    artifact = run_url + "#artifacts"
    (part,) = comment_parts(
        small_run(), marker=MARKER, options=Options(run_url=run_url, artifact_url=artifact)
    )
    footer = part.rsplit("<sub>", 1)[1]
    assert footer.count("](") == 2
    assert f"[workflow run]({run_url})" in footer and f"[results artifact]({artifact})" in footer


def test_no_changes_is_one_short_part() -> None:
    run = RunResult(
        mode="revision",
        revision=SHA,
        apps=[app(n, AppStatus.UNCHANGED) for n in ("calico", "longhorn", "reloader")],
    )
    (part,) = comment_parts(run, marker=MARKER)
    assert len(part) < 1000
    text = outside_code(check_structure(part))
    assert "No changes: none of the 3 compared apps differ." in text
    assert "calico," in part and "reloader" in part
    assert "<table>" not in text
