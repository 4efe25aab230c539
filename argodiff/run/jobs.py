"""Run one comparison per Application, concurrently, each failure contained to its app."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from argodiff import command, messages
from argodiff.errors import ArgodiffError
from argodiff.model import AppResult, AppStatus

AppTask = Callable[[], AppResult]
Progress = Callable[[AppResult, int, int], None]
"""Called as each app finishes: its result, how many are done, how many in all."""
Notify = Callable[[str], None]


@dataclass(frozen=True)
class Job:
    name: str
    run: AppTask
    file: str = ""
    """The file that defines the app, named when it fails."""
    url: str = ""
    """The app's page in Argo CD, linked when it fails."""


def failed(job: Job, message: str, file: str = "") -> AppResult:
    return AppResult(
        name=job.name, status=AppStatus.ERROR, error=message, file=file or job.file, url=job.url
    )


def _guarded(job: Job) -> AppResult:
    """One app's outcome; any failure becomes that app's error and never stops the others."""
    try:
        return job.run()
    except ArgodiffError as exc:
        # An app's own failure, or the run's met while asking for this app (a rejected token,
        # a server gone): either way it costs this app, and the others go on.
        ours = exc.app in ("", job.name)
        return failed(job, exc.detail() if ours else str(exc), exc.file if ours else "")
    except Exception as exc:  # a bug must cost one app, not the run (and never show a traceback)
        return failed(job, f"internal error ({type(exc).__name__}): {exc}")


def run_jobs(
    jobs: Sequence[Job],
    *,
    concurrency: int,
    timeout: float | None = None,
    on_done: Progress | None = None,
) -> list[AppResult]:
    """Results in the order of `jobs`. Apps not finished when `timeout` expires are errors
    ("not diffed"), listed with the others; their worker threads are daemons, so they cannot
    hold the exit."""
    todo: queue.Queue[Job] = queue.Queue()
    for job in jobs:
        todo.put(job)
    done: queue.Queue[AppResult] = queue.Queue()
    results: dict[str, AppResult] = {}

    def worker() -> None:
        while True:
            try:
                job = todo.get_nowait()
            except queue.Empty:
                return
            done.put(_guarded(job))

    for _ in range(max(1, min(concurrency, len(jobs)))):
        threading.Thread(target=worker, daemon=True, name="argodiff-app").start()

    deadline = None if timeout is None else time.monotonic() + timeout
    while len(results) < len(jobs):
        wait = None if deadline is None else deadline - time.monotonic()
        if wait is not None and wait <= 0:
            break
        try:
            result = done.get(timeout=wait)
        except queue.Empty:
            break
        results[result.name] = result
        if on_done:
            on_done(result, len(results), len(jobs))
    if len(results) < len(jobs):
        # Tools still running for the apps left over die now, not after argodiff exits.
        command.kill_all()
    out = []
    for job in jobs:
        if job.name in results:
            out.append(results[job.name])
        else:
            out.append(failed(job, messages.TIMED_OUT(seconds=f"{timeout:g}")))
    return out
