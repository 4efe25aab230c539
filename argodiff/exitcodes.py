"""Named exit codes, and the one mapping from a run to its code."""

from enum import IntEnum

from argodiff.model import AppStatus, RunResult


class ExitStatus(IntEnum):
    """What the process exit code means (the `argocd app diff` convention, made reliable)."""

    NO_DIFF = 0  # every app compared, nothing differs
    DIFF = 1  # at least one app differs, none failed
    ERROR = 2  # at least one app (or the run itself) failed; the others are still reported
    INTERRUPTED = 130  # Ctrl-C (SIGINT): stopped, children and temporary checkouts cleaned up
    TERMINATED = 143  # SIGTERM (e.g. a cancelled workflow run), cleaned up likewise


def exit_status(
    run: RunResult, *, diff_is_news: bool = True, fail_on_error: bool = True
) -> ExitStatus:
    """2 if any app failed or was not diffed in time, else 1 if any differs, else 0.

    `diff_is_news=False` (the PR job, the demo): a diff is what the run is for, so it exits 0.
    `fail_on_error=False` (the PR job's `fail-on-error: false`): a failed app exits 0 too; the
    report still shows it."""
    if any(a.status is AppStatus.ERROR or a.error for a in run.apps):
        return ExitStatus.ERROR if fail_on_error else ExitStatus.NO_DIFF
    if diff_is_news and any(a.status is AppStatus.CHANGED for a in run.apps):
        return ExitStatus.DIFF
    return ExitStatus.NO_DIFF
