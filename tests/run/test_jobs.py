"""One app's failure never stops the others; a run deadline lists what was not diffed."""

from __future__ import annotations

import threading

from argodiff.errors import AppError
from argodiff.exitcodes import ExitStatus, exit_status
from argodiff.model import AppResult, AppStatus, RunResult
from argodiff.run.jobs import Job, run_jobs


def _ok(name: str) -> Job:
    return Job(name, lambda: AppResult(name=name, status=AppStatus.UNCHANGED))


def _raise(name: str, exc: Exception) -> Job:
    def run() -> AppResult:
        raise exc

    return Job(name, run)


def test_failures_stay_with_their_app_and_order_is_kept() -> None:
    jobs = [
        _ok("a"),
        _raise("b", AppError("chart not found", app="b", file="argoproj/b/app.yaml")),
        _raise("c", KeyError("spec")),
        _ok("d"),
    ]
    out = run_jobs(jobs, concurrency=3)
    assert [r.name for r in out] == ["a", "b", "c", "d"]
    assert [r.status for r in out] == [
        AppStatus.UNCHANGED,
        AppStatus.ERROR,
        AppStatus.ERROR,
        AppStatus.UNCHANGED,
    ]
    assert out[1].error == "argoproj/b/app.yaml: chart not found"
    assert out[2].error is not None and out[2].error.startswith("internal error (KeyError)")
    assert "Traceback" not in (out[2].error or "")


def test_deadline_reports_apps_not_diffed() -> None:
    release = threading.Event()

    def slow() -> AppResult:
        release.wait(10)
        return AppResult(name="slow", status=AppStatus.UNCHANGED)

    try:
        out = run_jobs([_ok("fast"), Job("slow", slow)], concurrency=2, timeout=0.3)
    finally:
        release.set()
    assert out[0].status is AppStatus.UNCHANGED
    assert out[1].status is AppStatus.ERROR
    assert out[1].error is not None and "time limit" in out[1].error
    assert exit_status(RunResult(apps=out)) is ExitStatus.ERROR


def test_progress_is_reported_for_each_app() -> None:
    seen: list[tuple[str, int, int]] = []
    run_jobs(
        [_ok("x"), _ok("y")],
        concurrency=1,
        on_done=lambda r, done, total: seen.append((r.name, done, total)),
    )
    assert [(name, done, total) for name, done, total in seen] == [("x", 1, 2), ("y", 2, 2)]
