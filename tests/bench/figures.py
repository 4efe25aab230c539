"""Benchmark figures: one measured number, its target, and whether it met it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tabulate import tabulate


@dataclass(frozen=True)
class Figure:
    """One line of the table. `target` is None for a figure shown for context only."""

    benchmark: str
    name: str
    value: float
    unit: str
    target: float | None = None
    at_most: bool = True
    """True when the figure must stay at or under `target`, False when at or over it."""
    note: str = ""

    @property
    def passed(self) -> bool | None:
        if self.target is None:
            return None
        return self.value <= self.target if self.at_most else self.value >= self.target

    def target_text(self) -> str:
        if self.target is None:
            return ""
        return f"{'≤' if self.at_most else '≥'} {self.target:g} {self.unit}".rstrip()


@dataclass
class Outcome:
    """What one benchmark measured: its figures for the table and every raw number."""

    figures: list[Figure] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


def _value(fig: Figure) -> str:
    return f"{fig.value:,.3g} {fig.unit}" if fig.value < 100 else f"{fig.value:,.0f} {fig.unit}"


def table(figures: Sequence[Figure], fmt: str = "simple") -> str:
    """The figures as a table; `fmt` is a tabulate format (`github` for markdown)."""
    rows = [
        [
            f.benchmark,
            f.name,
            _value(f).rstrip(),
            f.target_text(),
            {True: "PASS", False: "MISS", None: ""}[f.passed],
            f.note,
        ]
        for f in figures
    ]
    headers = ["benchmark", "figure", "value", "target", "result", "note"]
    return tabulate(rows, headers=headers, tablefmt=fmt)


def write_json(path: Path, outcomes: dict[str, Outcome], context: dict[str, Any]) -> None:
    doc = {
        "context": context,
        "benchmarks": {
            name: {
                "figures": [{**asdict(f), "passed": f.passed} for f in out.figures],
                "raw": out.raw,
            }
            for name, out in outcomes.items()
        },
    }
    path.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
