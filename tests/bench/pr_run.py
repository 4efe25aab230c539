"""Benchmark 1: `argodiff app NAME... --revision SHA` over many apps against the simulator.

The simulated Argo CD runs in its own process (as the real one does), adding `latency` to every
request and `render_delay` to every manifests request. argodiff runs in this process through
`argodiff.run.diff.execute`, exactly as the CLI's `app --revision` does.
"""

from __future__ import annotations

import functools
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from argodiff.model import AppStatus, RunResult
from argodiff.run.diff import execute
from argodiff.run.plan import named_apps
from argodiff.settings import Connection, Mode
from tests.bench.figures import Figure, Outcome
from tests.bench.gitops import BenchRepo, build
from tests.bench.timing import median_time, timed
from tests.simulator import DEFAULT_TOKEN, Simulator

NAME = "pr-run"
SPEEDUP_TARGET = 15.0
BOUND_TARGET = 1.5
STOP_TIMEOUT = 60.0


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


@dataclass
class SimProcess:
    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """User + system CPU the simulator has used so far (Linux /proc; 0 elsewhere)."""
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def simulator_process(
    bench: BenchRepo, latency: float, render_delay: float
) -> Iterator[SimProcess]:
    """The simulator in a child process (`python -m tests.simulator`). A separate process, as
    Argo CD is: in this one the simulator's own Python work would compete with argodiff's for the
    GIL and the figures would partly measure the simulator."""
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
        yield SimProcess(first.split(" on ", 1)[1].split()[0], proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=STOP_TIMEOUT)


def requests_per_app(bench: BenchRepo) -> dict[str, Any]:
    """The requests one app costs, and those made once per run, from the request log of an
    in-process simulator (no latency: only the counts matter here)."""
    app = bench.changed[0]
    with Simulator(bench.repo.path, synced=bench.synced) as sim:
        conn = Connection(servers=(sim.url,), auth_token=sim.token, concurrency=1)
        checked(live_run([app], conn, bench.pr), [app], bench)
        per_app = {route: len(sim.log.all(route, app)) for route in sim.log.per_route()}
        per_run = sim.log.per_route()
    return {
        "per_app": {k: v for k, v in per_app.items() if v},
        "per_run": {k: v - per_app.get(k, 0) for k, v in per_run.items() if v > per_app.get(k, 0)},
    }


def live_run(names: Sequence[str], conn: Connection, revision: str) -> RunResult:
    """`argodiff app NAMES --revision REV`, in-process."""
    with named_apps(names, Mode.REVISION, None, revision) as plan:
        return execute(plan, conn=conn, concurrency=conn.concurrency)


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


@dataclass(frozen=True)
class Sample:
    """One timed run."""

    apps: int
    concurrency: int
    wall: float
    client_cpu: float
    """CPU seconds argodiff's process used (all its threads)."""
    server_cpu: float
    """CPU seconds the simulator's process used."""


def measure(sizes: Sizes, workdir: Path) -> Outcome:
    bench = build(workdir / "gitops", max(*sizes.apps, sizes.sequential_apps))
    counts = requests_per_app(bench)
    with simulator_process(bench, sizes.latency, sizes.render_delay) as sim:

        def run(names: Sequence[str], concurrency: int) -> RunResult:
            conn = Connection(servers=(sim.url,), auth_token=DEFAULT_TOKEN, concurrency=concurrency)
            result = live_run(names, conn, bench.pr)
            return checked(result, names, bench)

        def sample(apps: int, concurrency: int) -> Sample:
            cpu, server = time.process_time(), sim.cpu_seconds()
            wall, _ = timed(functools.partial(run, bench.apps[:apps], concurrency))
            cpu, server = time.process_time() - cpu, sim.cpu_seconds() - server
            return Sample(apps, concurrency, wall, cpu, server)

        # Untimed: the simulator renders each app at both revisions once and caches it, as
        # the repo-server does; from then on `render_delay` is the whole cost of a render.
        run(bench.apps, max(sizes.concurrency))
        setup = median_time(lambda: run([], 1), sizes.repeats)
        single = median_time(lambda: run(bench.apps[:1], 1), sizes.repeats)
        sequential = sample(sizes.sequential_apps, 1)
        samples = [sample(n, c) for n in sizes.apps for c in sizes.concurrency]
    per_app = single - setup
    waits = sum(counts["per_app"].values()) * sizes.latency + sizes.render_delay
    raw: dict[str, Any] = {
        "sizes": sizes.__dict__
        | {"apps": list(sizes.apps), "concurrency": list(sizes.concurrency)},
        "requests": counts,
        "setup_s": setup,
        "single_app_run_s": single,
        "per_app_s": per_app,
        "simulated_waits_per_app_s": waits,
        "sequential": asdict(sequential),
        "runs": [],
    }
    figures = [
        Figure(NAME, "connect + settings (once per run)", setup, "s"),
        Figure(
            NAME,
            "one app's round trips",
            per_app,
            "s",
            note=f"{sum(counts['per_app'].values())} requests/app ("
            + ", ".join(f"{k} {v}" for k, v in sorted(counts["per_app"].items()))
            + f"); simulated waits {waits:.2f} s",
        ),
    ]
    for s in samples:
        row = _compare(s, sequential, setup, per_app)
        raw["runs"].append(asdict(s) | row)
        figures += _figures(s, row, sequential.apps)
    return Outcome(figures, raw)


def _compare(s: Sample, sequential: Sample, setup: float, per_app: float) -> dict[str, Any]:
    extrapolated = s.apps > sequential.apps
    seq_per_app = (sequential.wall - setup) / sequential.apps
    return {
        "one_at_a_time_s": setup + s.apps * seq_per_app if extrapolated else sequential.wall,
        "one_at_a_time_extrapolated": extrapolated,
        "bound_s": setup + math.ceil(s.apps / s.concurrency) * per_app,
    }


def _figures(s: Sample, row: dict[str, Any], sequential_apps: int) -> list[Figure]:
    label = f"{s.apps} apps, concurrency {s.concurrency}"
    how = (
        f"extrapolated from {sequential_apps} apps run one at a time"
        if row["one_at_a_time_extrapolated"]
        else f"measured: {s.apps} apps one at a time"
    )
    cpu = f"CPU/app: argodiff {s.client_cpu / s.apps * 1000:.0f} ms"
    cpu += f", simulator {s.server_cpu / s.apps * 1000:.0f} ms"
    return [
        Figure(NAME, f"{label}: wall time", s.wall, "s", note=cpu),
        Figure(
            NAME,
            f"{label}: speedup vs one at a time",
            row["one_at_a_time_s"] / s.wall,
            "×",
            SPEEDUP_TARGET,
            at_most=False,
            note=f"{row['one_at_a_time_s']:.1f} s {how}",
        ),
        Figure(
            NAME,
            f"{label}: wall / bound",
            s.wall / row["bound_s"],
            "×",
            BOUND_TARGET,
            note=f"bound {row['bound_s']:.2f} s = setup + ceil({s.apps}/{s.concurrency}) × one app",
        ),
    ]


def run_benchmark(sizes: Sizes) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="argodiff-bench-") as tmp:
        return measure(sizes, Path(tmp))
