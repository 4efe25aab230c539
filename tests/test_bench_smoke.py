"""The benchmarks run end to end at their quick sizes and produce every figure (no timings
are asserted: figures are for people to read, see docs/benchmarks.md)."""

from __future__ import annotations

import contextlib
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

from tests.bench.__main__ import BENCHMARKS, main


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    out = tmp_path_factory.mktemp("bench") / "bench.json"
    capture = tmp_path_factory.mktemp("bench") / "stdout.txt"
    with capture.open("w") as stream, contextlib.redirect_stdout(stream):
        assert main(["--quick", "--output", str(out)]) == 0
    doc: dict[str, Any] = json.loads(out.read_text())
    return doc, capture.read_text()


def test_every_benchmark_writes_finite_figures(results: tuple[dict[str, Any], str]) -> None:
    doc, _ = results
    assert sorted(doc["benchmarks"]) == sorted(BENCHMARKS)
    for bench in doc["benchmarks"].values():
        assert bench["figures"]
        for fig in bench["figures"]:
            assert math.isfinite(fig["value"]) and fig["value"] >= 0, fig
            if fig["target"] is not None:
                assert fig["passed"] is (
                    fig["value"] <= fig["target"]
                    if fig["at_most"]
                    else fig["value"] >= fig["target"]
                )
    assert doc["context"]["quick"] is True


def test_the_pr_run_figures_cover_each_size_and_concurrency(
    results: tuple[dict[str, Any], str],
) -> None:
    raw = results[0]["benchmarks"]["pr-run"]["raw"]
    sizes = raw["sizes"]
    assert [(r["apps"], r["concurrency"]) for r in raw["runs"]] == [
        (n, c) for n in sizes["apps"] for c in sizes["concurrency"]
    ]
    # One app costs its three Argo CD calls; connecting and settings happen once per run.
    assert raw["requests"]["per_app"] == {"application": 1, "managed-resources": 1, "manifests": 1}
    assert raw["requests"]["per_run"] == {"version": 1, "userinfo": 1, "settings": 1}
    extrapolated = [r["one_at_a_time_extrapolated"] for r in raw["runs"]]
    assert extrapolated == [r["apps"] > sizes["sequential_apps"] for r in raw["runs"]]


def test_the_engine_and_comment_figures_describe_what_was_measured(
    results: tuple[dict[str, Any], str],
) -> None:
    engine = results[0]["benchmarks"]["engine"]["raw"]
    assert engine["resources"] == engine["sizes"]["resources"]
    assert engine["changed_resources"] == 6
    assert engine["ratio"] == pytest.approx(engine["engine_s"] / engine["parse_floor_s"])
    comment = results[0]["benchmarks"]["comment"]["raw"]
    assert comment["diff_bytes"] >= 0.9 * comment["sizes"]["diff_megabytes"] * 1_000_000
    assert comment["parts"] >= 2
    assert comment["largest_part_chars"] <= 65000


def test_the_table_shows_each_target_with_pass_or_miss(
    results: tuple[dict[str, Any], str],
) -> None:
    doc, printed = results
    targeted = [
        f for b in doc["benchmarks"].values() for f in b["figures"] if f["target"] is not None
    ]
    rows = [line for line in printed.splitlines() if re.search(r"\s(PASS|MISS)(\s|$)", line)]
    assert len(rows) == len(targeted)
    assert "figures written to" in printed


def test_only_runs_the_named_benchmark(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "only.json"
    assert main(["--quick", "--only", "comment", "--output", str(out)]) == 0
    assert list(json.loads(out.read_text())["benchmarks"]) == ["comment"]
    assert "comment_parts" in capsys.readouterr().out
