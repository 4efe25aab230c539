"""Benchmark 3: splitting a report holding megabytes of diffs into PR comment parts."""

from __future__ import annotations

import time
from dataclasses import dataclass

from argodiff.engine import diff_app
from argodiff.model import (
    Application,
    AppResult,
    AppStatus,
    ArgoSettings,
    Manifest,
    RunResult,
)
from argodiff.report.comment import MAX_CHARS, comment_parts, marker_for
from tests.bench.figures import Figure, Outcome
from tests.bench.timing import median_time
from tests.simulator.live import make_live
from tests.simulator.tracking import stamp

NAME = "comment"
TIME_TARGET = 0.5
MB = 1_000_000
KEYS = 60
"""Settings per ConfigMap; the pull request changes every one of them."""


@dataclass(frozen=True)
class Sizes:
    diff_megabytes: float = 2.0
    changed_apps: int = 8
    unchanged_apps: int = 40
    repeats: int = 3


FULL = Sizes()
QUICK = Sizes(diff_megabytes=0.1, changed_apps=3, unchanged_apps=5, repeats=1)


def _configmap(app: str, index: int, version: str) -> Manifest:
    data = {
        f"setting_{k:02d}": f"{app}.example.com/{version}/feature-{k}?timeout=30s&retries=3"
        for k in range(KEYS)
    }
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": f"{app}-settings-{index:03d}", "namespace": app},
        "data": data,
    }


def _app_result(name: str, resources: int) -> AppResult:
    """One app whose every ConfigMap changes every value, diffed by the real engine."""
    app = Application(name=name, destination_namespace=name, file=f"argoproj/{name}/app.yaml")
    targets, live = [], []
    for i in range(resources):
        target = _configmap(name, i, "v2")
        stamp(target, app=name, dest_namespace=name)
        old = _configmap(name, i, "v1")
        stamp(old, app=name, dest_namespace=name)
        targets.append(target)
        live.append(make_live(old, app=name, client_side_apply=True))
    diffs = diff_app(app, targets, live, ArgoSettings())
    return AppResult(
        name=name,
        status=AppStatus.CHANGED,
        resources=diffs,
        namespace=name,
        project="default",
        sync_status="Synced",
        health_status="Healthy",
        compared="live → 0123abc (rendered by Argo CD)",
    )


def build(sizes: Sizes) -> RunResult:
    """A run with `diff_megabytes` of diff text spread over `changed_apps` apps."""
    per_resource = len(_app_result("probe", 1).resources[0].diff)
    per_app = max(1, round(sizes.diff_megabytes * MB / per_resource / sizes.changed_apps))
    changed = [_app_result(f"team{i:02d}", per_app) for i in range(sizes.changed_apps)]
    unchanged = [
        AppResult(name=f"quiet{i:02d}", status=AppStatus.UNCHANGED, namespace=f"quiet{i:02d}")
        for i in range(sizes.unchanged_apps)
    ]
    return RunResult(
        apps=changed + unchanged, mode="revision", server="argocd.example.com", revision="0123abc"
    )


def measure(sizes: Sizes) -> Outcome:
    run = build(sizes)
    diff_bytes = sum(len(r.diff.encode()) for a in run.apps for r in a.resources)
    marker = marker_for("bench")
    parts = comment_parts(run, marker=marker, max_chars=MAX_CHARS)
    seconds = median_time(
        lambda: comment_parts(run, marker=marker, max_chars=MAX_CHARS),
        sizes.repeats,
    )
    # CPU time too: on a busy machine the wall time mostly measures the wait for a core.
    start = time.process_time()
    comment_parts(run, marker=marker, max_chars=MAX_CHARS)
    cpu = time.process_time() - start
    resources = sum(len(a.resources) for a in run.apps)
    raw = {
        "sizes": sizes.__dict__,
        "diff_bytes": diff_bytes,
        "resources": resources,
        "apps": len(run.apps),
        "parts": len(parts),
        "largest_part_chars": max(len(p) for p in parts),
        "comment_parts_s": seconds,
        "comment_parts_cpu_s": cpu,
    }
    figures = [
        Figure(
            NAME,
            f"comment_parts, {diff_bytes / MB:.1f} MB of diffs",
            seconds,
            "s",
            TIME_TARGET,
            note=f"{resources} resources in {sizes.changed_apps} apps → {len(parts)} parts; "
            f"CPU {cpu:.3f} s",
        ),
    ]
    return Outcome(figures, raw)


def run_benchmark(sizes: Sizes) -> Outcome:
    return measure(sizes)
