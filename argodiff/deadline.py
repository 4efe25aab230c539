"""The run's time limit (`--timeout`): one deadline that discovery, `affected`, every tool
argodiff starts and the app workers all answer to."""

from __future__ import annotations

import time

from argodiff.errors import ArgodiffError

_deadline: list[float] = []
"""time.monotonic() at which the run must end, when it has a limit."""
_limit: list[float] = []


class TimeLimitExpired(ArgodiffError):
    """The run's time limit expired before this step could finish."""


def start(seconds: float | None) -> None:
    """From now on the run ends within `seconds`; None: no limit."""
    _deadline[:] = [] if seconds is None else [time.monotonic() + seconds]
    _limit[:] = [] if seconds is None else [seconds]


def remaining() -> float | None:
    """Seconds left, or None without a limit (never below zero)."""
    return max(_deadline[0] - time.monotonic(), 0.0) if _deadline else None


def check(doing: str) -> None:
    """Raise TimeLimitExpired naming what was being done when the limit has passed."""
    if _deadline and time.monotonic() >= _deadline[0]:
        raise TimeLimitExpired(f"the run's time limit ({_limit[0]:g} s) expired while {doing}")
