"""Faults a test can inject, per route and per app, optionally for the first N requests only."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from enum import StrEnum


class FaultKind(StrEnum):
    LATENCY = "latency"
    """Answer normally, `delay` seconds late."""
    ERROR = "error"
    """An Argo CD error body (`{"error","code","message"}`) with `status` and `code`."""
    GATEWAY = "gateway"
    """A Cloudflare HTML error page with `status` (502/503/504/524)."""
    HANG = "hang"
    """Read the request, then never answer until the client gives up."""
    RESET = "reset"
    """Close the connection with a TCP reset instead of answering."""
    MALFORMED = "malformed"
    """200 `application/json` whose body is not JSON."""
    TRUNCATED = "truncated"
    """Content-Length larger than the body sent, then close."""
    ACCESS_REDIRECT = "access-redirect"
    """Cloudflare Access's 302 to its login page (an identity policy, no valid token)."""
    ACCESS_FORBIDDEN = "access-forbidden"
    """Cloudflare Access's 403 HTML page (a Service Auth policy rejecting the token)."""
    GRPC = "grpc"
    """A gRPC-web error (HTTP 200, trailers only) with gRPC `code` and `message`."""


ROUTES = (
    "version",
    "userinfo",
    "settings",
    "applications",
    "application",
    "managed-resources",
    "manifests",
    "server-side-diff",
)
"""Route names faults and the request log use; `*` matches any."""


@dataclass
class Fault:
    kind: FaultKind
    route: str = "*"
    app: str = "*"
    times: int | None = None
    """Only the first `times` matching requests fail; None means every one."""
    status: int = 500
    code: int = 2
    """gRPC code in an ERROR body (2 Unknown, 13 Internal, 14 Unavailable…)."""
    message: str = ""
    delay: float = 0.0
    hits: int = field(default=0, compare=False)

    def matches(self, route: str, app: str) -> bool:
        return self.route in ("*", route) and self.app in ("*", app)


class Faults:
    """The active faults; the first matching one with tries left fires."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, route: str, app: str) -> list[Fault]:
        """The faults that fire for this request: every matching latency, then at most one
        other fault. Each counts as used."""
        fired: list[Fault] = []
        with self._lock:
            failing = False
            for fault in self._faults:
                if not fault.matches(route, app):
                    continue
                if fault.times is not None and fault.hits >= fault.times:
                    continue
                if fault.kind is not FaultKind.LATENCY:
                    if failing:
                        continue
                    failing = True
                fault.hits += 1
                fired.append(fault)
        return fired
