"""Every request the simulator saw, for tests to assert on."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    """As they arrived, names lower-cased."""
    route: str
    app: str
    status: int
    """0 when no status was sent (hang, reset)."""


class RequestLog:
    def __init__(self) -> None:
        self._items: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self.echo: Callable[[LoggedRequest], None] | None = None
        """Also hand every request to this (the hand-run simulator's `--log`)."""

    def add(self, item: LoggedRequest) -> None:
        with self._lock:
            self._items.append(item)
        if self.echo is not None:
            self.echo(item)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def all(self, route: str = "*", app: str = "*") -> list[LoggedRequest]:
        with self._lock:
            items = list(self._items)
        return [r for r in items if route in ("*", r.route) and app in ("*", r.app)]

    def count(self, route: str = "*", app: str = "*") -> int:
        return len(self.all(route, app))

    def per_route(self) -> Counter[str]:
        return Counter(r.route for r in self.all())

    def per_app(self) -> Counter[str]:
        return Counter(r.app for r in self.all() if r.app)
