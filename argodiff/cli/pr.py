"""`argodiff pr`: the GitHub Action's job — diff the apps a PR touches, comment, summarize."""

from __future__ import annotations

import dataclasses
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import click
from click.core import ParameterSource

from argodiff import deadline, messages, safewrite
from argodiff.argocd import ArgoClient
from argodiff.cli.appset_options import appset_options, with_appsets
from argodiff.cli.environment import Environment
from argodiff.cli.errors import handle_errors
from argodiff.cli.options import (
    ACTION_INPUTS,
    comment_options,
    connection_from,
    connection_options,
    run_options,
)
from argodiff.cli.output import emit, format_run, notifier, progress_printer
from argodiff.cli.render_flags import render_flag_options, with_render_options
from argodiff.discover.changes import pr_files
from argodiff.errors import ConfigError
from argodiff.exitcodes import ExitStatus, exit_status
from argodiff.github.api import github_client
from argodiff.github.env import ActionsContext
from argodiff.github.event import Request, from_event, local_change
from argodiff.github.runner import Actions
from argodiff.model import RunResult
from argodiff.publish.deliver import (
    CommentTarget,
    comment_instance,
    log_apps,
    post_comment,
    set_outputs,
    write_results,
    write_summary,
)
from argodiff.repo.checkout import LocalRepo
from argodiff.report.document import Options
from argodiff.run import plan
from argodiff.run.diff import execute
from argodiff.run.fallback import live_or_offline, why_not_live
from argodiff.settings import Mode

# The action has an input for each option declared with `_input` (docs/action.md).
_input = ACTION_INPUTS.option


@click.command("pr")
@_input(
    "--mode",
    Mode.REVISION.value,
    "revision: Argo CD renders the PR head; local: argodiff renders the checkout; "
    "offline: PR base vs head, both rendered locally (no Argo CD).",
    type=click.Choice([m.value for m in (Mode.REVISION, Mode.LOCAL, Mode.OFFLINE)]),
)
@_input("--apps", "", "workflow_dispatch: apps (comma list) or 'all'.")
@_input("--revision", "", "workflow_dispatch: revision to diff (default: the dispatched commit).")
@_input("--pr", "", "workflow_dispatch: also comment on this PR.", dest="pr_number")
@_input("--instance", "", "Comment marker id, for several clusters (default: the Argo CD host).")
@comment_options(ACTION_INPUTS)
@run_options("the comment and summary", ACTION_INPUTS)
@_input("--fail-on-error/--no-fail-on-error", True, "Exit 2 when an app could not be diffed.")
@_input("--results-file", "argodiff-results.json", "Results JSON path (relative to the workspace).")
@_input(
    "--fallback",
    "offline",
    "No Argo CD server configured, or none answering: compare offline, or fail.",
    type=click.Choice(["offline", "none"]),
)
@_input("--apps-dir", "argoproj", "Directory of the Application manifests.")
@click.option(
    "--repo-url",
    "repo_urls",
    multiple=True,
    help="URL of this repository as Applications name it in repoURL (repeatable), for a fork,"
    " mirror or renamed repository; default: GITHUB_REPOSITORY and the git remotes.",
)
@click.option(
    "--base",
    "base_ref",
    metavar="REF",
    default="",
    help="Outside GitHub Actions (no event): preview the job for the change from REF (e.g."
    " origin/main) to the working tree, as a pull request from this branch would show it.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print the comment parts instead of posting them (the markdown report when no pull"
    " request is known).",
)
@appset_options(ACTION_INPUTS)
@connection_options
@render_flag_options(ACTION_INPUTS)
@handle_errors
def pr_command(env: Environment, **params: Any) -> int:
    """The pull-request job, from the GitHub Actions environment (pull_request or
    workflow_dispatch): affected apps, their diffs, one sticky PR comment, the job summary,
    step outputs and a results JSON file."""
    ctx = env.actions
    _apply_inputs(params, ctx)
    deadline.start(params["timeout"])  # discovery, `affected` and every tool included
    conn = connection_from(params, "pr")
    client = env.argo_client(conn, on_event=notifier(env, stream=env.stdout))
    # On a laptop (no Actions run, no event) workflow commands would only clutter the terminal.
    laptop = not env.in_actions and not ctx.event_name
    log: TextIO = io.StringIO() if laptop else env.stdout
    actions = Actions(log, output_path=ctx.output, summary_path=ctx.step_summary)
    for secret in env.redactor.secrets:
        actions.mask(secret)
    workspace = ctx.workspace or Path.cwd()
    urls = [
        *params["repo_urls"],
        *([f"{ctx.server_url}/{ctx.repository}"] if ctx.repository else []),
    ]
    repo = with_render_options(LocalRepo.find(workspace, params["apps_dir"], urls), params, env)
    repo = with_appsets(repo, params, client if params["mode"] != Mode.OFFLINE else None)
    gh = github_client(ctx.token, api_url=ctx.api_url) if ctx.token else None
    # Progress and errors name apps, files and servers from the PR: nothing printed while
    # the apps are found and diffed may act on the runner.
    with actions.commands_off():
        if params["base_ref"]:
            if ctx.event_name:
                raise click.UsageError(
                    f"--base is for runs outside GitHub Actions: the {ctx.event_name} event"
                    " names the base already"
                )
            req = local_change(repo, params["base_ref"], pr=params["pr_number"])
        else:
            req = from_event(
                ctx, repo, apps=params["apps"], revision=params["revision"], pr=params["pr_number"]
            )
        if req.apps is None and req.changed is None:
            req.changed = pr_files(
                repo,
                base_sha=req.base_sha,
                head_sha=req.head_sha,
                gh=gh,
                repository=ctx.repository,
                number=req.pr_number,
            )
        run = _diff(env, req, params, client, repo)

    log_apps(run, actions, env.redactor, lang=params["lang"])
    results_path = _results_path(params, workspace, laptop=laptop)
    # A link the PR committed in the results file's place is removed, never followed (a later
    # upload step would follow it); the comment says so and the job fails.
    link = safewrite.remove_link(results_path, root=workspace)
    if link is not None:
        run.notices.append(messages.RESULTS_LINK(path=params["results_file"], target=link))
    write_results(run, results_path, env.redactor, workspace=workspace)
    note = ""
    page = Options(head_sha=req.head_sha, repo_url=ctx.repo_url, run_url=ctx.run_url)
    if req.pr_number and ctx.repository:
        target = CommentTarget(
            gh=gh,
            repository=ctx.repository,
            number=req.pr_number,
            instance=comment_instance(params["instance"], conn.servers),
            max_chars=params["max_comment_chars"],
            max_parts=params["max_comments"],
            lang=params["lang"],
            pinned_head=req.pinned_head,
            page=dataclasses.replace(
                page,
                artifact_url=f"{ctx.run_url}#artifacts" if ctx.run_url else "",
                max_diff_lines=params["max_diff_lines"],
            ),
        )
        with actions.commands_off():
            note = post_comment(
                run, target, env.redactor, dry_run=_printer(env) if params["dry_run"] else None
            )
            env.stdout.write(note + "\n")
    elif params["dry_run"]:
        env.stderr.write(
            "argodiff: no pull request is known (no pull_request event, or --pr N without"
            " GITHUB_REPOSITORY=owner/name), so there are no comment parts: the markdown report"
            " follows\n"
        )
        emit(format_run(run, "markdown", lang=params["lang"]), env, fmt="markdown")
    if laptop:
        env.stderr.write(f"argodiff: results written to {results_path}\n")
    write_summary(run, actions, env.redactor, lang=params["lang"], page=page, note=note)
    set_outputs(run, actions, results_path, workspace)
    if link is not None:
        return int(ExitStatus.ERROR)
    return int(exit_status(run, diff_is_news=False, fail_on_error=params["fail_on_error"]))


def _results_path(params: dict[str, Any], workspace: Path, *, laptop: bool) -> Path:
    """--results-file in the workspace; on a laptop, unless given, a fresh temporary file, so
    a preview leaves nothing in the checkout."""
    source = click.get_current_context().get_parameter_source("results_file")
    if laptop and source is ParameterSource.DEFAULT:
        fd, name = tempfile.mkstemp(prefix="argodiff-results-", suffix=".json")
        os.close(fd)
        return Path(name)
    path = Path(params["results_file"])
    return path if path.is_absolute() else workspace / path


def _printer(env: Environment) -> Callable[[list[str]], None]:
    def print_parts(parts: list[str]) -> None:
        for part in parts:
            env.stdout.write(part + "\n")

    return print_parts


def _apply_inputs(params: dict[str, Any], ctx: ActionsContext) -> None:
    """Action inputs fill the connection options that the command line left empty."""
    for option, name in (
        ("auth_token", "argocd-auth-token"),
        ("cf_access_client_id", "cf-access-client-id"),
        ("cf_access_client_secret", "cf-access-client-secret"),
        ("app_namespace", "app-namespace"),
        ("server_side_diff", "server-side-diff"),
    ):
        if not params.get(option):
            params[option] = ctx.input(name)
            if params[option]:
                params.setdefault("sources", {})[option] = f"the {name} input"
    if not params.get("servers") and ctx.input("argocd-server"):
        params["servers"] = (ctx.input("argocd-server"),)
    if ctx.input("concurrency"):
        try:
            params["concurrency"] = int(ctx.input("concurrency"))
        except ValueError:
            raise ConfigError(
                f"input concurrency: not a number: {ctx.input('concurrency')!r}"
            ) from None


def _diff(
    env: Environment, req: Request, params: dict[str, Any], client: ArgoClient, repo: LocalRepo
) -> RunResult:
    mode = Mode(params["mode"])
    options = {
        "concurrency": client.connection.concurrency,
        "timeout": params["timeout"],
        "progress": progress_printer(env, stream=env.stdout),
    }
    with plan.pull_request(repo, req, mode) as pr:

        def offline(notice: str) -> RunResult:
            fallback = dataclasses.replace(pr, mode=Mode.OFFLINE, notices=[notice, *pr.notices])
            return execute(fallback, **options)

        if mode is Mode.OFFLINE:
            return execute(pr, **options)
        return live_or_offline(
            lambda: execute(pr, client=client, **options),
            offline if params["fallback"] == "offline" else None,
            why_not=why_not_live(client.connection, fork=req.is_fork),
            hint="or use --mode offline",
        )
