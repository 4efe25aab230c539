"""Benchmark 1: `argodiff app NAME... --revision SHA` over many apps against the simulator.

The simulated Argo CD runs in its own process (as the real one does), adding `latency` to every
request and `render_delay` to every manifests request. argodiff runs in this process through
`argodiff.runs.run_live`, exactly as the CLI's `app --revision` does.
"""

from __future__ import annotations

import functools
import math
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argodiff.config import Connection
from argodiff.model import AppStatus, RunResult
from argodiff.runs import Target, run_live
from tests.bench.figures import Figure, Outcome
from tests.bench.gitops import BenchRepo, build
from tests.bench.timing import median_time, timed
from tests.simulator import DEFAULT_TOKEN, Simulator

NAME = "pr-run"
SPEEDUP_TARGET = 15.0
BOUND_TARGET = 1.5
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class Sizes:
    apps: tuple[int, ...] = (50, 350)
    sequential_apps: int = 50
    """Apps run one at a time; larger runs' sequential time is extrapolated per app."""
    concurrency: tuple[int, ...] = (8, 16, 32)
    latency: float = 0.1
    render_delay: float = 0.2
    repeats: int = 3
    """Runs of the setup and single-app measurements (their median is used)."""


FULL = Sizes()
QUICK = Sizes(
    apps=(4, 8), sequential_apps=4, concurrency=(4, 8), latency=0.02, render_delay=0.04, repeats=1
)


@contextmanager
def simulator_process(bench: BenchRepo, latency: float, render_delay: float) -> Iterator[str]:
    """`python -m tests.simulator` in a child process; yields its URL. A separate process,
    because in this one the simulator's own Python work would compete with argodiff's for
    the GIL and the figures would partly measure the simulator."""
    args = [sys.executable, "-m", "tests.simulator", "--repo", str(bench.repo.path)]
    args += ["--synced", bench.synced, "--token", DEFAULT_TOKEN]
    args += ["--latency", str(latency), "--render-delay", str(render_delay)]
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(args, cwd=root, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # "Argo CD simulator on http://127.0.0.1:PORT (...)"
        if " on http" not in first:
            raise RuntimeError(f"the simulator did not start: {first!r}")
        yield first.split(" on ", 1)[1].split()[0]
    finally:
        proc.terminate()
        proc.wait(timeout=START_TIMEOUT)


def requests_per_app(bench: BenchRepo) -> dict[str, Any]:
    """The requests one app costs, and those made once per run, from the request log of an
    in-process simulator (no latency: only the counts matter here)."""
    app = bench.changed[0]
    with Simulator(bench.repo.path, synced=bench.synced) as sim:
        conn = Connection(servers=(sim.url,), auth_token=sim.token, concurrency=1)
        checked(run_live([app], conn, target=Target.REVISION, revision=bench.pr), [app], bench)
        per_app = {route: len(sim.log.all(route, app)) for route in sim.log.per_route()}
        per_run = sim.log.per_route()
    return {
        "per_app": {k: v for k, v in per_app.items() if v},
        "per_run": {k: v - per_app.get(k, 0) for k, v in per_run.items() if v > per_app.get(k, 0)},
    }


def checked(run: RunResult, names: Sequence[str], bench: BenchRepo) -> RunResult:
    """The run compared every app and found exactly the pull request's changes: a benchmark
    of a run that failed would measure nothing."""
    errors = [
        f"{a.name}: {a.status} {a.error or ''}"
        for a in run.apps
        if a.status is not (AppStatus.CHANGED if a.name in bench.changed else AppStatus.UNCHANGED)
    ]
    if errors or len(run.apps) != len(names):
        raise RuntimeError(f"the benchmarked run went wrong: {errors[:3]}")
    return run


def measure(sizes: Sizes, workdir: Path) -> Outcome:
    bench = build(workdir / "gitops", max(*sizes.apps, sizes.sequential_apps))
    counts = requests_per_app(bench)
    with simulator_process(bench, sizes.latency, sizes.render_delay) as url:

        def run(names: Sequence[str], concurrency: int) -> RunResult:
            conn = Connection(servers=(url,), auth_token=DEFAULT_TOKEN, concurrency=concurrency)
            result = run_live(names, conn, target=Target.REVISION, revision=bench.pr)
            return checked(result, names, bench)

        # Untimed: the simulator renders each app at both revisions once and caches it, as
        # the repo-server does; from then on `render_delay` is the whole cost of a render.
        run(bench.apps, max(sizes.concurrency))
        setup = median_time(lambda: run([], 1), sizes.repeats)
        single = median_time(lambda: run(bench.apps[:1], 1), sizes.repeats)
        seq_names = bench.apps[: sizes.sequential_apps]
        sequential, _ = timed(lambda: run(seq_names, 1))
        walls = {}
        for n in sizes.apps:
            for c in sizes.concurrency:
                walls[n, c], _ = timed(functools.partial(run, bench.apps[:n], c))
    return _outcome(sizes, counts, Measured(setup, single, sequential), walls)


@dataclass(frozen=True)
class Measured:
    setup: float
    """A run of no apps: connect (version, userinfo) and settings."""
    single: float
    """A run of one app, one at a time."""
    sequential: float
    """A run of `sequential_apps` apps, one at a time."""


def _outcome(
    sizes: Sizes, counts: dict[str, Any], m: Measured, walls: dict[tuple[int, int], float]
) -> Outcome:
    setup, single, sequential = m.setup, m.single, m.sequential
    per_app = single - setup
    seq_per_app = (sequential - setup) / sizes.sequential_apps
    raw: dict[str, Any] = {
        "sizes": sizes.__dict__
        | {"apps": list(sizes.apps), "concurrency": list(sizes.concurrency)},
        "requests": counts,
        "setup_s": setup,
        "single_app_run_s": single,
        "per_app_s": per_app,
        "sequential_run_s": sequential,
        "sequential_per_app_s": seq_per_app,
        "runs": [],
    }
    figures = [
        Figure(NAME, "connect + settings (once per run)", setup, "s"),
        Figure(
            NAME,
            "one app's round trips",
            per_app,
            "s",
            note=f"{sum(counts['per_app'].values())} requests/app: "
            + ", ".join(f"{k} {v}" for k, v in sorted(counts["per_app"].items())),
        ),
    ]
    for (n, c), wall in sorted(walls.items()):
        extrapolated = n > sizes.sequential_apps
        one_at_a_time = setup + n * seq_per_app if extrapolated else sequential
        bound = setup + math.ceil(n / c) * per_app
        how = (
            f"extrapolated from {sizes.sequential_apps} apps run one at a time"
            if extrapolated
            else f"measured: {n} apps one at a time"
        )
        raw["runs"].append(
            {
                "apps": n,
                "concurrency": c,
                "wall_s": wall,
                "one_at_a_time_s": one_at_a_time,
                "one_at_a_time_extrapolated": extrapolated,
                "bound_s": bound,
            }
        )
        label = f"{n} apps, concurrency {c}"
        figures += [
            Figure(NAME, f"{label}: wall time", wall, "s"),
            Figure(
                NAME,
                f"{label}: speedup vs one at a time",
                one_at_a_time / wall,
                "×",
                SPEEDUP_TARGET,
                at_most=False,
                note=f"{one_at_a_time:.1f} s {how}",
            ),
            Figure(
                NAME,
                f"{label}: wall / bound",
                wall / bound,
                "×",
                BOUND_TARGET,
                note=f"bound {bound:.2f} s = setup + ceil({n}/{c}) × one app",
            ),
        ]
    return Outcome(figures, raw)


def run_benchmark(sizes: Sizes) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="argodiff-bench-") as tmp:
        return measure(sizes, Path(tmp))
