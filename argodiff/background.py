"""Work started on its own daemon thread, its outcome a Future.

Requests that go out together (an app's three, or the server probes) each get a thread. They
are daemons, like the app workers: an answer still awaited when the run's time limit expires
cannot hold the exit (a ThreadPoolExecutor's threads would).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

T = TypeVar("T")


def start(work: Callable[[], T]) -> Future[T]:
    """Run `work` now, beside the caller; its result or exception lands in the Future."""
    future: Future[T] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(work())
        except BaseException as exc:  # handed to whoever asks for the result
            future.set_exception(exc)

    threading.Thread(target=run, daemon=True, name="argodiff-request").start()
    return future
