"""Facts in the reader's words: counts of apps and changes, and what a run or an app compared,
phrased with one language's `Strings` (the catalogue, catalogue.py)."""

from __future__ import annotations

from collections.abc import Callable

from argodiff.model import (
    AppResult,
    AppStatus,
    Change,
    Comparison,
    RenderedBy,
    RunResult,
    Side,
    SideKind,
)
from argodiff.report.catalogue import Strings

CHANGES = (Change.ADDED, Change.MODIFIED, Change.REMOVED)
"""The order changes are shown in."""


def plural(pair: tuple[str, str], n: int) -> str:
    return pair[0 if n == 1 else 1].format(n=n)


def change_counts(app: AppResult, s: Strings) -> str:
    """`1 added, 2 modified` (kinds of change that did not happen are left out)."""
    counts = [(c, app.count(c)) for c in CHANGES]
    return s.list_sep.join(s.count.format(n=n, change=s.changes[c]) for c, n in counts if n)


def summary_line(run: RunResult, s: Strings) -> str:
    """`3 apps: 1 changed, 1 unchanged, 1 error` (statuses with no app are left out)."""
    counts = [
        plural(s.statuses[status], n)
        for status in AppStatus
        if (n := sum(1 for a in run.apps if a.status is status))
    ]
    head = plural(s.apps, len(run.apps))
    return f"{head}: {s.list_sep.join(counts)}" if counts else head


def comparison(run: RunResult, s: Strings, show: Callable[[str], str]) -> str:
    """What the run compared, in words (empty for an unknown mode); `show` formats a revision."""
    templates = {
        "revision": s.mode_revision,
        "local": s.mode_local,
        "offline": s.mode_offline,
        "target": s.mode_target,
    }
    template = templates.get(run.mode)
    if template is None:
        return ""
    return template.format(rev=show(run.revision or "?"), base=show(run.base or "?"))


def _side(side: Side, s: Strings, show: Callable[[str], str]) -> str:
    if side.kind is not SideKind.REVISION:
        return s.sides[side.kind]
    if side.ref and side.ref != side.revision:
        return f"{show(side.ref)} ({show(side.revision)})"
    return show(side.revision or "?")


def app_comparison(what: Comparison, s: Strings, show: Callable[[str], str]) -> str:
    """One app's comparison in words: `live → 4f2a9c1 (rendered by Argo CD)`."""
    before, after = _side(what.before, s, show), _side(what.after, s, show)
    if what.after.kind in (SideKind.TARGET, SideKind.NONE):
        return s.comparison_plain.format(before=before, after=after)
    if what.rendered_by is RenderedBy.ARGOCD:
        how = s.rendered["argocd"]
    elif what.before.kind in (SideKind.LIVE, SideKind.NONE):
        how = s.rendered["argodiff"]
    else:
        how = s.rendered["both"]
    return s.comparison.format(before=before, after=after, how=how)


def compared_text(app: AppResult, s: Strings, show: Callable[[str], str]) -> str:
    """What was compared for `app`, from its facts when known, else its stored words."""
    return app_comparison(app.comparison, s, show) if app.comparison else app.compared
