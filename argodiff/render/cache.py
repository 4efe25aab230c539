"""Render each distinct source once per Renderer, even when apps render concurrently."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class OnceCache(Generic[T]):
    """Computes each key's value once; other threads asking for the same key wait for it.

    A failure is remembered as well: the second app sharing a broken source gets the same error
    without running the tool again. Values are deep-copied out, so callers may mutate them.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}
        self._values: dict[str, T] = {}
        self._errors: dict[str, Exception] = {}
        self.misses = 0
        """How many values were computed (not served from the cache)."""

    def get(self, key: str, compute: Callable[[], T]) -> T:
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            if key in self._errors:
                raise self._errors[key]
            if key not in self._values:
                with self._lock:
                    self.misses += 1
                try:
                    self._values[key] = compute()
                except Exception as exc:
                    self._errors[key] = exc
                    raise
            return copy.deepcopy(self._values[key])
