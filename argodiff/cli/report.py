"""`argodiff report`: render (and post) a report from results files — shards, fork workflows."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import click

from argodiff import results
from argodiff.cli.errors import handle_errors
from argodiff.cli.output import FORMATS, emit, format_run, in_actions, use_color
from argodiff.errors import ConfigError
from argodiff.github.api import github_client
from argodiff.github.env import from_environ
from argodiff.github.runner import Actions
from argodiff.publish.deliver import CommentTarget, post_comment, write_summary
from argodiff.redact import Redactor


@click.command("report")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--output", "-o", "fmt", type=click.Choice(FORMATS), default="text", show_default=True
)
@click.option("--color/--no-color", default=None, help="Color the text output.")
@click.option("--lang", type=click.Choice(["en", "ja"]), default="en", show_default=True)
@click.option("--post", is_flag=True, help="Post as the sticky PR comment and to the job summary.")
@click.option(
    "--pr",
    "pr_number",
    type=click.IntRange(min=1),
    default=None,
    help="PR to comment on (default: from the event).",
)
@click.option("--repository", default="", help="owner/name (default: GITHUB_REPOSITORY).")
@click.option(
    "--instance", default="", help="Comment marker id (default: the server host in the results)."
)
@click.option(
    "--max-comment-chars",
    type=click.IntRange(min=5_000, max=65_536),
    default=65_000,
    show_default=True,
)
@click.option(
    "--max-comments",
    type=click.IntRange(min=0, max=100),
    default=10,
    show_default=True,
    help="Most comments the report may take (0: no limit).",
)
@click.option(
    "--max-diff-lines",
    type=click.IntRange(min=0),
    default=500,
    show_default=True,
    help="Fold a resource diff longer than this in the comment (0: never).",
)
@click.option("--head-sha", default="", help="Post only while the PR head is still this commit.")
@handle_errors
def report_command(**params: Any) -> int:
    """Merge results files (from `argodiff app -o json` or `argodiff pr`) and print the report;
    with --post, comment on the PR as `argodiff pr` would (for a privileged workflow_run job
    reporting an unprivileged job's results, or sharded jobs merging into one comment)."""
    run = results.merge([results.load(f) for f in params["files"]])
    ctx = from_environ(os.environ)
    redactor = Redactor([ctx.token])
    if not params["post"]:
        color = use_color(params["color"], sys.stdout)
        emit(
            format_run(run, params["fmt"], color=color, lang=params["lang"]),
            redactor,
            fmt=params["fmt"],
            actions=in_actions(os.environ),
        )
        return int(results.exit_status(run))
    repository = params["repository"] or ctx.repository
    number = params["pr_number"] or _event_pr(ctx.event)
    if not (ctx.token and repository and number):
        raise ConfigError(
            "--post needs a GitHub token (GITHUB_TOKEN or INPUT_GITHUB-TOKEN), "
            "a repository (--repository or GITHUB_REPOSITORY) and a PR number (--pr)"
        )
    target = CommentTarget(
        gh=github_client(ctx.token, api_url=ctx.api_url),
        repository=repository,
        number=number,
        instance=params["instance"] or urlparse(run.server).hostname or "argocd",
        max_chars=params["max_comment_chars"],
        max_parts=params["max_comments"],
        lang=params["lang"],
        head_sha=params["head_sha"],
        pinned_head=bool(params["head_sha"]),
        run_url=ctx.run_url,
        repo_url=f"{ctx.server_url}/{repository}",
        max_diff_lines=params["max_diff_lines"],
    )
    note = post_comment(run, target, redactor)
    click.echo(note)
    actions = Actions(sys.stdout, output_path=ctx.output, summary_path=ctx.step_summary)
    write_summary(
        run,
        actions,
        redactor,
        lang=params["lang"],
        head_sha=params["head_sha"],
        run_url=ctx.run_url,
        repo_url=f"{ctx.server_url}/{repository}",
        note=note,
    )
    return int(results.exit_status(run))


def _event_pr(event: dict[str, Any]) -> int | None:
    """The PR of a pull_request event, or of the run a workflow_run event reports on."""
    pull = event.get("pull_request") or {}
    number = pull.get("number") or event.get("number")
    if not number:
        prs = (event.get("workflow_run") or {}).get("pull_requests") or []
        number = prs[0].get("number") if prs else None
    text = str(number or "")
    return int(text) if text.isdigit() else None
