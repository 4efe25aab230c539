"""Generated apps grouped under their ApplicationSet, for every report format."""

from __future__ import annotations

from collections.abc import Sequence

from argodiff.model import AppResult

MARK = "🧩"


def grouped(apps: Sequence[AppResult]) -> list[tuple[str, list[AppResult]]]:
    """(ApplicationSet name, its apps) in order of first appearance; apps written by hand
    come first, under the name ``."""
    groups: dict[str, list[AppResult]] = {"": []}
    for app in apps:
        groups.setdefault(app.application_set, []).append(app)
    return [(name, members) for name, members in groups.items() if members]


def ordered(apps: Sequence[AppResult]) -> list[AppResult]:
    return [app for _, members in grouped(apps) for app in members]


def heading(name: str, count: int) -> str:
    """`🧩 ApplicationSet services (2)`: the line above a group (plain text)."""
    return f"{MARK} ApplicationSet {name} ({count})"
