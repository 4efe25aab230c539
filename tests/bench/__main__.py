"""`python -m tests.bench [--quick] [--only NAME]... [--output PATH]`: run the benchmarks,
print each figure next to its target, and write every raw number as JSON."""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
from collections.abc import Callable
from pathlib import Path

import argodiff
from tests.bench import comment_run, engine_run, pr_run
from tests.bench.figures import Outcome, table, write_json

BENCHMARKS: dict[str, tuple[Callable[[bool], Outcome], str]] = {
    pr_run.NAME: (
        lambda quick: pr_run.run_benchmark(pr_run.QUICK if quick else pr_run.FULL),
        "`argodiff app --revision` over many apps against the Argo CD simulator",
    ),
    engine_run.NAME: (
        lambda quick: engine_run.run_benchmark(engine_run.QUICK if quick else engine_run.FULL),
        "the diff engine on one big app with multi-megabyte CRDs",
    ),
    comment_run.NAME: (
        lambda quick: comment_run.run_benchmark(comment_run.QUICK if quick else comment_run.FULL),
        "PR comment parts from megabytes of diffs",
    ),
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="small sizes (seconds, not minutes)")
    p.add_argument(
        "--only",
        action="append",
        choices=sorted(BENCHMARKS),
        help="run only this benchmark (repeatable)",
    )
    p.add_argument(
        "--markdown", action="store_true", help="print the table as GitHub markdown (for docs)"
    )
    p.add_argument(
        "--output",
        type=Path,
        default=Path("bench-results.json"),
        help="where to write the figures as JSON (default: %(default)s)",
    )
    args = p.parse_args(argv)
    outcomes: dict[str, Outcome] = {}
    for name in args.only or list(BENCHMARKS):
        run, what = BENCHMARKS[name]
        print(f"running {name}: {what}{' (quick)' if args.quick else ''}", flush=True)
        outcomes[name] = run(args.quick)
    figures = [f for out in outcomes.values() for f in out.figures]
    print()
    print(table(figures, "github" if args.markdown else "simple"))
    context = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "argodiff": argodiff.__version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        # Other work on the machine shows up in wall times: the load says how busy it was.
        "load_average_1_5_15": os.getloadavg(),
    }
    write_json(args.output, outcomes, context)
    print(f"\nfigures written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
