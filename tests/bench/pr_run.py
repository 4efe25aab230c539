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

from argodiff.argocd import ArgoClient
from argodiff.model import AppStatus, RenderedBy, RunResult
from argodiff.redact import Redactor
from argodiff.run.diff import execute
from argodiff.run.fetch import manifests_at
from argodiff.run.plan import named_apps
from argodiff.run.sides import LIVE, Sides, comparing, result_of, revision_side
from argodiff.settings import Connection, Mode
from tests.bench.figures import Figure, Outcome
from tests.bench.gitops import BenchRepo, build
from tests.bench.timing import median_time, timed
from tests.simulator import DEFAULT_TOKEN, Simulator

NAME = "pr-run"
SPEEDUP_TARGET = 30.0
BOUND_TARGET = 1.5
STOP_TIMEOUT = 60.0


@dataclass(frozen=True)
class Sizes:
    apps: tuple[int, ...] = (50, 350)
    sequential_apps: int = 50
    """Apps run through the one-at-a-time loop; larger runs extrapolate its time per app."""
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
        client = ArgoClient(conn, redactor=Redactor(conn.secrets()))
        return execute(plan, client=client, concurrency=conn.concurrency)


def loop_run(names: Sequence[str], conn: Connection, revision: str) -> RunResult:
    """The one-at-a-time loop (a shell loop over `argocd app diff --revision`, minus its login
    per app): app after app, each app's requests one after another, then its diff."""
    client = ArgoClient(conn, redactor=Redactor(conn.secrets()))
    try:
        server = client.connect()
        settings = client.settings()
        apps = []
        for name in names:
            app = client.get_application(name)
            resources = client.managed_resources(app)
            targets = manifests_at(client, app, revision, None)
            live = [r.live for r in resources if r.live is not None]
            compared = comparing("revision", LIVE, revision_side(revision), RenderedBy.ARGOCD)
            apps.append(result_of(Sides(app, live, targets, compared), settings))
    finally:
        client.close()
    return RunResult(mode="revision", server=server, revision=revision, apps=apps)


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

        def connection(concurrency: int) -> Connection:
            return Connection(servers=(sim.url,), auth_token=DEFAULT_TOKEN, concurrency=concurrency)

        def run(names: Sequence[str], concurrency: int) -> RunResult:
            return checked(live_run(names, connection(concurrency), bench.pr), names, bench)

        def loop(names: Sequence[str]) -> RunResult:
            return checked(loop_run(names, connection(1), bench.pr), names, bench)

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
        loop_setup = median_time(lambda: loop([]), sizes.repeats)
        looped, _ = timed(lambda: loop(bench.apps[: sizes.sequential_apps]))
        samples = [sample(n, c) for n in sizes.apps for c in sizes.concurrency]
    per_app = single - setup
    loop_per_app = (looped - loop_setup) / sizes.sequential_apps
    round_trip = sizes.latency + sizes.render_delay
    raw: dict[str, Any] = {
        "sizes": sizes.__dict__
        | {"apps": list(sizes.apps), "concurrency": list(sizes.concurrency)},
        "requests": counts,
        "setup_s": setup,
        "single_app_run_s": single,
        "per_app_s": per_app,
        "one_round_trip_s": round_trip,
        "loop": {
            "apps": sizes.sequential_apps,
            "wall_s": looped,
            "setup_s": loop_setup,
            "per_app_s": loop_per_app,
        },
        "runs": [],
    }
    requests = sum(counts["per_app"].values())
    figures = [
        Figure(NAME, "connect (once per run)", setup, "s", note="version and userinfo together"),
        Figure(
            NAME,
            "one app",
            per_app,
            "s",
            note=f"{requests} requests/app ("
            + ", ".join(f"{k} {v}" for k, v in sorted(counts["per_app"].items()))
            + f"), together: 1 RTT + render = {round_trip:.2f} s",
        ),
        Figure(
            NAME,
            "one app in the one-at-a-time loop",
            loop_per_app,
            "s",
            note=f"its {requests} requests one after another: "
            f"{requests} RTT + render = {requests * sizes.latency + sizes.render_delay:.2f} s",
        ),
    ]
    for s in samples:
        row = _compare(s, sizes, loop_setup, loop_per_app)
        raw["runs"].append(asdict(s) | row)
        figures += _figures(s, row, sizes)
    return Outcome(figures, raw)


def _compare(s: Sample, sizes: Sizes, loop_setup: float, loop_per_app: float) -> dict[str, Any]:
    return {
        "one_at_a_time_s": loop_setup + s.apps * loop_per_app,
        "one_at_a_time_extrapolated": s.apps > sizes.sequential_apps,
        "bound_s": bound(s.apps, s.concurrency, sizes),
    }


def bound(apps: int, concurrency: int, sizes: Sizes) -> float:
    """`1 RTT + ceil(N/C) × (RTT + render)`: connecting, then each wave of C apps costs one
    round trip and Argo CD's render (the settings overlap the first wave)."""
    return sizes.latency + math.ceil(apps / concurrency) * (sizes.latency + sizes.render_delay)


def _figures(s: Sample, row: dict[str, Any], sizes: Sizes) -> list[Figure]:
    label = f"{s.apps} apps, concurrency {s.concurrency}"
    how = (
        f"extrapolated from {sizes.sequential_apps} apps looped"
        if row["one_at_a_time_extrapolated"]
        else f"measured: {s.apps} apps looped"
    )
    cpu = f"CPU/app: argodiff {s.client_cpu / s.apps * 1000:.0f} ms"
    cpu += f", simulator {s.server_cpu / s.apps * 1000:.0f} ms"
    # The speedup target is for the largest run at the `pr` job's concurrency.
    speedup_target = (
        SPEEDUP_TARGET
        if s.apps == max(sizes.apps) and s.concurrency == max(sizes.concurrency)
        else None
    )
    return [
        Figure(NAME, f"{label}: wall time", s.wall, "s", note=cpu),
        Figure(
            NAME,
            f"{label}: speedup vs one-at-a-time loop",
            row["one_at_a_time_s"] / s.wall,
            "×",
            speedup_target,
            at_most=False,
            note=f"{row['one_at_a_time_s']:.1f} s {how}",
        ),
        Figure(
            NAME,
            f"{label}: wall / bound",
            s.wall / row["bound_s"],
            "×",
            BOUND_TARGET,
            note=f"bound {row['bound_s']:.2f} s = 1 RTT + ceil({s.apps}/{s.concurrency}) × "
            f"(RTT + render)",
        ),
    ]


def run_benchmark(sizes: Sizes) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="argodiff-bench-") as tmp:
        return measure(sizes, Path(tmp))
