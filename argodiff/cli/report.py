"""`argodiff report`: render (and post) a report from results files — shards, fork workflows."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from argodiff import results
from argodiff.cli import cli
from argodiff.cli.errors import handle_errors
from argodiff.cli.output import FORMATS, emit, format_run, use_color
from argodiff.errors import ConfigError
from argodiff.ghenv import from_environ
from argodiff.publish.actions import Actions
from argodiff.redact import Redactor
from argodiff.report.comment import comment_parts, marker_for
from argodiff.report.summary import step_summary


@cli.command("report")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--output", "-o", "fmt", type=click.Choice(FORMATS), default="text", show_default=True
)
@click.option("--color/--no-color", default=None)
@click.option("--lang", type=click.Choice(["en", "ja"]), default="en", show_default=True)
@click.option(
    "--post",
    is_flag=True,
    help="Post the report as the sticky PR comment (and to the job summary).",
)
@click.option(
    "--pr",
    "pr_number",
    type=int,
    default=None,
    help="PR number to comment on (default: from the event).",
)
@click.option("--repository", default="", help="owner/name (default: GITHUB_REPOSITORY).")
@click.option(
    "--instance", default="", help="Comment marker id (default: the server host in the results)."
)
@click.option(
    "--max-comment-chars",
    type=click.IntRange(min=2000, max=65_536),
    default=65_000,
    show_default=True,
)
@click.option("--head-sha", default="", help="Post only if the PR head is still this commit.")
@handle_errors
def report_command(**params: Any) -> int:
    """Merge results files (from `argodiff app -o json` or `argodiff pr`) and print a report;
    with --post, comment on the PR as `argodiff pr` would."""
    run = results.merge([results.load(f) for f in params["files"]])
    ctx = from_environ(os.environ)
    redactor = Redactor([ctx.token])
    if not params["post"]:
        emit(
            format_run(
                run,
                params["fmt"],
                color=use_color(params["color"], sys.stdout),
                lang=params["lang"],
            ),
            redactor,
        )
        return int(results.exit_status(run))
    from urllib.parse import urlparse

    from argodiff.publish.github import StickyComment, github_client

    repository = params["repository"] or ctx.repository
    number = params["pr_number"] or _event_pr(ctx.event)
    if not (ctx.token and repository and number):
        raise ConfigError(
            "--post needs GITHUB_TOKEN (or INPUT_GITHUB-TOKEN), a repository and a PR number"
        )
    instance = params["instance"] or urlparse(run.server).hostname or "default"
    parts = [
        redactor.scrub(p)
        for p in comment_parts(
            run,
            marker=marker_for(instance),
            max_chars=params["max_comment_chars"],
            lang=params["lang"],
            head_sha=params["head_sha"],
            run_url=ctx.run_url,
        )
    ]
    outcome = StickyComment(
        github_client(ctx.token, api_url=ctx.api_url),
        repository,
        number,
        instance_marker=marker_for(instance),
    ).publish(parts, expected_head_sha=params["head_sha"] or None)
    actions = Actions(sys.stdout, output_path=ctx.output, summary_path=ctx.step_summary)
    actions.append_summary(
        redactor.scrub(step_summary(run, lang=params["lang"], run_url=ctx.run_url))
    )
    click.echo(
        outcome.skipped
        or f"comment: {outcome.created} created, {outcome.edited} edited, {outcome.deleted} deleted"
    )
    return int(results.exit_status(run))


def _event_pr(event: dict[str, Any]) -> int | None:
    pr = event.get("pull_request") or {}
    number = pr.get("number") or event.get("number")
    if not number:
        wr = event.get("workflow_run") or {}
        prs = wr.get("pull_requests") or []
        number = prs[0].get("number") if prs else None
    return int(number) if number else None
