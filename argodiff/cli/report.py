"""`argodiff report`: render (and post) a report from results files — shards, fork workflows."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import click

from argodiff import results
from argodiff.cli.environment import Environment
from argodiff.cli.errors import handle_errors
from argodiff.cli.options import comment_options, lang_option, output_option
from argodiff.cli.output import FORMATS, emit, format_run, use_color
from argodiff.errors import ConfigError
from argodiff.exitcodes import exit_status
from argodiff.github.api import github_client
from argodiff.github.runner import Actions
from argodiff.publish.deliver import CommentTarget, comment_instance, post_comment, write_summary
from argodiff.report.document import Options


@click.command("report")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@output_option(
    FORMATS,
    "Report format: text, json (the merged results JSON) or markdown (the PR comment).",
)
@click.option("--color/--no-color", default=None, help="Color the text output.")
@lang_option("Language of the markdown report, the comment and the job summary.")
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
@comment_options()
@click.option("--head-sha", default="", help="Post only while the PR head is still this commit.")
@handle_errors
def report_command(env: Environment, **params: Any) -> int:
    """Merge results files (from `argodiff app -o json` or `argodiff pr`) and print the report;
    with --post, comment on the PR as `argodiff pr` would (for a privileged workflow_run job
    reporting an unprivileged job's results, or sharded jobs merging into one comment)."""
    run = results.merge([results.load(f) for f in params["files"]])
    ctx = env.actions
    if not params["post"]:
        color = use_color(params["color"], env.stdout, env)
        emit(
            format_run(run, params["fmt"], color=color, lang=params["lang"]), env, fmt=params["fmt"]
        )
        return int(exit_status(run))
    repository = params["repository"] or ctx.repository
    number = params["pr_number"] or _event_pr(ctx.event)
    if not (ctx.token and repository and number):
        raise ConfigError(
            "--post needs a GitHub token (GITHUB_TOKEN or INPUT_GITHUB-TOKEN), "
            "a repository (--repository or GITHUB_REPOSITORY) and a PR number (--pr)"
        )
    page = Options(
        head_sha=params["head_sha"], repo_url=f"{ctx.server_url}/{repository}", run_url=ctx.run_url
    )
    target = CommentTarget(
        gh=github_client(ctx.token, api_url=ctx.api_url),
        repository=repository,
        number=number,
        instance=comment_instance(params["instance"], [run.server] if run.server else []),
        max_chars=params["max_comment_chars"],
        max_parts=params["max_comments"],
        lang=params["lang"],
        pinned_head=bool(params["head_sha"]),
        page=dataclasses.replace(page, max_diff_lines=params["max_diff_lines"]),
    )
    note = post_comment(run, target, env.redactor)
    env.stdout.write(note + "\n")
    actions = Actions(env.stdout, output_path=ctx.output, summary_path=ctx.step_summary)
    write_summary(run, actions, env.redactor, lang=params["lang"], page=page, note=note)
    return int(exit_status(run))


def _event_pr(event: dict[str, Any]) -> int | None:
    """The PR of a pull_request event, or of the run a workflow_run event reports on."""
    pull = event.get("pull_request") or {}
    number = pull.get("number") or event.get("number")
    if not number:
        prs = (event.get("workflow_run") or {}).get("pull_requests") or []
        number = prs[0].get("number") if prs else None
    text = str(number or "")
    return int(text) if text.isdigit() else None
