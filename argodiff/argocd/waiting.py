"""A line on the terminal when Argo CD keeps argodiff waiting, so a slow server or a dropped
packet never looks like a hang."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator

WAIT_NOTICE_AFTER = 2.0
"""Seconds without an answer before argodiff says what it is waiting for."""


class WaitNotice:
    """Says what a request waits for once it has gone `after` seconds unanswered; at most one
    such line every `after` seconds, however many requests run at once."""

    def __init__(
        self, emit: Callable[[str], None] | None, *, after: float = WAIT_NOTICE_AFTER
    ) -> None:
        self._emit = emit
        self._after = after
        self._lock = threading.Lock()
        self._last = float("-inf")

    @contextlib.contextmanager
    def waiting(self, what: str) -> Iterator[None]:
        """Time the block; past `after` seconds, emit `waiting for WHAT…` from a timer thread."""
        if self._emit is None:
            yield
            return
        timer = threading.Timer(self._after, self._fire, (what,))
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()

    def _fire(self, what: str) -> None:
        with self._lock:
            now = time.monotonic()
            if now - self._last < self._after:
                return
            self._last = now
        assert self._emit is not None
        self._emit(f"waiting for {what} (no answer after {self._after:g} s)…")
