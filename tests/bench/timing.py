"""Wall-clock helpers: figures are medians of repeated runs, never assertions."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def median_time(fn: Callable[[], object], repeats: int, budget: float = 20.0) -> float:
    """The median wall time of up to `repeats` calls (the median shrugs off one slow outlier);
    no new call starts once `budget` seconds have been spent, so a slow step runs once."""
    times = [timed(fn)[0]]
    while len(times) < repeats and sum(times) < budget:
        times.append(timed(fn)[0])
    return statistics.median(times)
