"""Benchmark 2: the diff engine on one big app, against the floor of merely parsing its YAML."""

from __future__ import annotations

import difflib
import gc
import resource
import tracemalloc
from dataclasses import dataclass
from typing import Any

import yaml

from argodiff.engine import diff_app
from argodiff.engine.render_diff import unified
from argodiff.engine.yamltext import yaml_line_pair
from argodiff.model import DiffMode, Manifest, ResourceDiff
from tests.bench.bigapp import BigApp, build
from tests.bench.figures import Figure, Outcome
from tests.bench.timing import median_time, timed
from tests.e2e.comment_pr import dashboard

NAME = "engine"
RATIO_TARGET = 1.5
MB = 1_000_000


@dataclass(frozen=True)
class Sizes:
    resources: int = 300
    crd_megabytes: tuple[float, ...] = (1.0, 2.0, 3.5, 5.0)
    repeats: int = 3


FULL = Sizes()
QUICK = Sizes(resources=30, crd_megabytes=(0.05, 0.1), repeats=1)


def yaml_text(objs: list[Manifest]) -> str:
    return yaml.dump_all(objs, Dumper=yaml.CSafeDumper, sort_keys=False)


def _parse(texts: tuple[str, str]) -> None:
    for text in texts:
        list(yaml.load_all(text, Loader=yaml.CSafeLoader))


def _max_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(sizes: Sizes) -> Outcome:
    big = build(sizes.resources, sizes.crd_megabytes)

    def engine() -> list[ResourceDiff]:
        return diff_app(big.app, big.targets, big.live, big.settings)

    gc.collect()
    rss_before = _max_rss_mb()
    first, diffs = timed(engine)
    rss_growth = _max_rss_mb() - rss_before
    if len(diffs) != big.changed:
        raise RuntimeError(f"the engine found {len(diffs)} changed resources, not {big.changed}")
    times = [first] + [timed(engine)[0] for _ in range(sizes.repeats - 1)]
    times.sort()
    engine_s = times[len(times) // 2]
    structured_s = median_time(
        lambda: diff_app(
            big.app, big.targets, big.live, big.settings, mode=DiffMode.STRUCTURED_MERGE
        ),
        sizes.repeats,
    )
    line_diff_s, autojunk_s, dash_lines = _line_diff(sizes.repeats)
    traced_peak = _traced_peak(big)
    texts = (yaml_text(big.targets), yaml_text(big.live))
    parse = median_time(lambda: _parse(texts), sizes.repeats)
    ratio = engine_s / parse
    crds = ", ".join(f"{mb:g}" for mb in sizes.crd_megabytes)
    raw: dict[str, Any] = {
        "sizes": {**sizes.__dict__, "crd_megabytes": list(sizes.crd_megabytes)},
        "resources": len(big.targets),
        "changed_resources": len(diffs),
        "target_yaml_bytes": len(texts[0].encode()),
        "live_yaml_bytes": len(texts[1].encode()),
        "engine_s": engine_s,
        "engine_runs_s": times,
        "structured_merge_s": structured_s,
        "line_diff_s": line_diff_s,
        "difflib_autojunk_s": autojunk_s,
        "dashboard_lines": dash_lines,
        "parse_floor_s": parse,
        "ratio": ratio,
        "tracemalloc_peak_mb": traced_peak,
        "max_rss_growth_mb": rss_growth,
        "max_rss_mb": _max_rss_mb(),
    }
    yaml_mb = (raw["target_yaml_bytes"] + raw["live_yaml_bytes"]) / MB
    figures = [
        Figure(
            NAME,
            f"diff_app, {len(big.targets)} resources",
            engine_s,
            "s",
            note=f"CRDs of {crds} MB; {len(diffs)} changed resources",
        ),
        Figure(
            NAME,
            "parse floor (CSafeLoader, both sides)",
            parse,
            "s",
            note=f"{yaml_mb:.1f} MB of YAML (desired + live)",
        ),
        Figure(NAME, "engine / parse floor", ratio, "×", RATIO_TARGET),
        Figure(
            NAME,
            "diff_app by structured merge (ServerSideApply apps)",
            structured_s,
            "s",
            note=f"the same app; {structured_s / parse:.2f}× the parse floor",
        ),
        Figure(
            NAME,
            f"line diff, {dash_lines:,}-line ConfigMap, every panel changed",
            line_diff_s,
            "s",
            note=f"patience + exact blocks; difflib with autojunk {autojunk_s:.3f} s",
        ),
        Figure(NAME, "peak memory (tracemalloc)", traced_peak, "MB", note="during diff_app"),
        Figure(
            NAME,
            "max RSS growth",
            rss_growth,
            "MB",
            note=f"over the inputs already held; max RSS {raw['max_rss_mb']:.0f} MB",
        ),
    ]
    return Outcome(figures, raw)


def _line_diff(repeats: int) -> tuple[float, float, int]:
    """The unified diff of a 3,000-line dashboard ConfigMap whose every panel changes (the
    case where difflib's autojunk shows `},` removed and added, and turning it off costs
    seconds), and difflib with autojunk on the same lines for reference."""
    base, head = (yaml.safe_load(dashboard(rev)) for rev in ("base", "pr"))
    before, after, anchors = yaml_line_pair(base, head)
    lines = sum(len(v.split("\n")) for v in base["data"].values())
    ours = median_time(lambda: unified(before, after, anchors), repeats)
    junk = median_time(lambda: list(difflib.unified_diff(before, after, lineterm="")), repeats)
    return ours, junk, lines


def _traced_peak(big: BigApp) -> float:
    """Peak Python allocations during one diff (a separate run: tracing slows it down)."""
    gc.collect()
    tracemalloc.start()
    try:
        diff_app(big.app, big.targets, big.live, big.settings)
        return tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


def run_benchmark(sizes: Sizes) -> Outcome:
    return measure(sizes)
