"""Deliver a PR run: log groups, annotations, results file, job summary, comment, outputs.

The report is never lost: whatever happens to the comment, the job summary and the results
file hold the full report.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from github import Github

from argodiff import results, safewrite
from argodiff.github.api import CommentTooLong, PublishError, StickyComment
from argodiff.github.runner import Actions
from argodiff.model import AppStatus, RunResult
from argodiff.redact import Redactor
from argodiff.report.comment import comment_parts, marker_for
from argodiff.report.document import MAX_DIFF_LINES, Options
from argodiff.report.summary import step_summary, summary_fits
from argodiff.report.text import render_text

MIN_COMMENT_CHARS = 5_000


@dataclass(frozen=True)
class CommentTarget:
    """Where and how to comment."""

    gh: Github | None
    repository: str
    number: int
    instance: str
    max_chars: int
    max_parts: int = 0
    """At most this many comments (0: no limit); the last says where the full report is."""
    lang: str = "en"
    pinned_head: bool = False
    """Post only while the PR head is still `page.head_sha` (a newer run will report)."""
    page: Options = field(default_factory=lambda: Options(max_diff_lines=MAX_DIFF_LINES))
    """What the comment links to (commit, repository, run, artifacts) and where it folds."""


def comment_instance(explicit: str, servers: Sequence[str]) -> str:
    """The id in the sticky comment's marker, which keeps one cluster's comment apart from
    another's: `--instance`, else the host of the last server (the public tunnel name: the same
    whichever server answered), else `argocd`."""
    if explicit:
        return explicit
    return (urlparse(servers[-1]).hostname or "argocd") if servers else "argocd"


def log_apps(run: RunResult, actions: Actions, redactor: Redactor, *, lang: str = "en") -> None:
    """One collapsible log group per app; manifests printed with workflow commands disabled."""
    for app in run.apps:
        with actions.group(f"{app.name}: {app.status.value}"):
            one = dataclasses.replace(run, apps=[app], notices=[])
            actions.untrusted(redactor.scrub(render_text(one, color=False, lang=lang)))
        if app.error:
            actions.error(redactor.scrub(f"{app.name}: {app.error}"), title="argodiff")
    for notice in run.notices:
        actions.warning(redactor.scrub(notice), title="argodiff")


def write_results(
    run: RunResult, path: Path, redactor: Redactor, *, workspace: Path | None = None
) -> None:
    """The results file, never written through a link the PR committed in `workspace`."""
    safewrite.write_text(path, redactor.scrub(results.dumps(run)), root=workspace)


def comment_bodies(run: RunResult, target: CommentTarget, max_chars: int = 0) -> list[str]:
    """The comment parts `target` gets for `run` (`max_chars` overrides the target's)."""
    return comment_parts(
        run,
        marker=marker_for(target.instance),
        max_chars=max_chars or target.max_chars,
        lang=target.lang,
        max_parts=target.max_parts,
        options=dataclasses.replace(target.page, summary_whole=summary_fits(run, lang=target.lang)),
    )


def post_comment(
    run: RunResult,
    target: CommentTarget,
    redactor: Redactor,
    *,
    dry_run: Callable[[list[str]], None] | None = None,
) -> str:
    """Post or update the sticky comment; returns a one-line account of what happened."""
    max_chars = max(target.max_chars, MIN_COMMENT_CHARS)
    while max_chars >= MIN_COMMENT_CHARS:
        parts = [redactor.scrub(p) for p in comment_bodies(run, target, max_chars)]
        if dry_run is not None:
            dry_run(parts)
            return f"dry run: {len(parts)} comment part(s) printed, none posted"
        if target.gh is None:
            return "no GitHub token: the PR comment was not posted (the report is in the summary)"
        sticky = StickyComment(
            target.gh, target.repository, target.number, instance_marker=marker_for(target.instance)
        )
        try:
            outcome = sticky.publish(
                parts, expected_head_sha=target.page.head_sha if target.pinned_head else None
            )
        except CommentTooLong:
            # GitHub's limit is not settled (characters or bytes): split smaller and retry.
            max_chars = max_chars * 3 // 4
            continue
        except PublishError as exc:
            return redactor.scrub(f"the PR comment was not posted: {exc}")
        if outcome.skipped:
            return f"the PR comment was not posted: {outcome.skipped}"
        return (
            f"PR comment: {outcome.created} created, {outcome.edited} edited, "
            f"{outcome.deleted} deleted, {outcome.unchanged} unchanged"
        )
    return "the PR comment was not posted: GitHub refused every size tried"


def write_summary(
    run: RunResult,
    actions: Actions,
    redactor: Redactor,
    *,
    lang: str,
    page: Options,
    note: str = "",
) -> None:
    """The whole report on the run's page (diffs never folded: it is where the comment sends
    readers for them)."""
    text = step_summary(run, lang=lang, options=page)
    actions.append_summary(redactor.scrub(text + (f"\n\n_{note}_\n" if note else "")))


def set_outputs(run: RunResult, actions: Actions, results_path: Path, workspace: Path) -> None:
    """`results-file` is relative to the workspace when it lies inside it: the container sees
    the workspace at /github/workspace, later steps at their own working directory."""
    changed = [a.name for a in run.apps if a.status is AppStatus.CHANGED]
    errors = [a.name for a in run.apps if a.status is AppStatus.ERROR or a.error]
    actions.set_output("has-diff", "true" if changed else "false")
    actions.set_output("changed-apps", json.dumps(changed))
    actions.set_output("error-apps", json.dumps(errors))
    try:
        shown = str(results_path.resolve().relative_to(workspace.resolve()))
    except ValueError:
        shown = str(results_path)
    actions.set_output("results-file", shown)
