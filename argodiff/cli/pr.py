"""`argodiff pr`: the GitHub Action's job — diff the apps a PR touches, comment, summarize."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import click
from github import Github

from argodiff import deadline, messages, results, safewrite
from argodiff.cli.errors import handle_errors
from argodiff.cli.options import connection_from, connection_options
from argodiff.errors import ArgodiffError, ConfigError
from argodiff.exitcodes import ExitStatus
from argodiff.github.api import github_client, pr_changed_files
from argodiff.github.env import ActionsContext, from_environ
from argodiff.github.event import Request, from_event
from argodiff.github.runner import Actions
from argodiff.model import AppResult, RunResult
from argodiff.publish.deliver import (
    CommentTarget,
    log_apps,
    post_comment,
    set_outputs,
    write_results,
    write_summary,
)
from argodiff.redact import Redactor
from argodiff.repo import git
from argodiff.repo.checkout import LocalRepo, base_checkout
from argodiff.report.escape import visible
from argodiff.run.diff import FALLBACK, is_unreachable
from argodiff.run.plan import Mode, diff_selection, select_apps
from argodiff.settings import Connection

PR_CONCURRENCY = 32
"""A PR may touch hundreds of apps: the PR job asks for 32 at once by default (`app`: 8),
in line with kubechecks (32) and argocd-diff-preview (40)."""


def _env(name: str, *more: str) -> list[str]:
    """The variables an option reads: the action input `INPUT_<NAME>` first (hyphens kept)."""
    return [f"INPUT_{name.upper()}", *more]


@click.command("pr")
@click.option(
    "--mode",
    type=click.Choice(Mode.ALL),
    envvar=_env("mode"),
    default=Mode.REVISION,
    show_default=True,
    help="revision: Argo CD renders the PR head; local: argodiff renders the checkout; "
    "offline: PR base vs head, both rendered locally (no Argo CD).",
)
@click.option(
    "--apps", envvar=_env("apps"), default="", help="workflow_dispatch: apps (comma list) or 'all'."
)
@click.option(
    "--revision",
    envvar=_env("revision"),
    default="",
    help="workflow_dispatch: revision to diff (default: the dispatched commit).",
)
@click.option(
    "--pr",
    "pr_number",
    envvar=_env("pr"),
    default="",
    help="workflow_dispatch: also comment on this PR.",
)
@click.option(
    "--instance",
    envvar=_env("instance"),
    default="",
    help="Comment marker id, for several clusters (default: the Argo CD host).",
)
@click.option(
    "--max-comment-chars",
    type=click.IntRange(min=5_000, max=65_536),
    envvar=_env("max-comment-chars"),
    default=65_000,
    show_default=True,
    help="Longest comment part, in characters and UTF-8 bytes.",
)
@click.option(
    "--max-comments",
    type=click.IntRange(min=0, max=100),
    envvar=_env("max-comments"),
    default=10,
    show_default=True,
    help="Most comments a report may take (0: no limit); the rest is in the job summary.",
)
@click.option(
    "--max-diff-lines",
    type=click.IntRange(min=0),
    envvar=_env("max-diff-lines"),
    default=500,
    show_default=True,
    help="Fold a resource diff longer than this in the comment (0: never); the job summary "
    "and the results file keep it whole.",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "ja"]),
    envvar=_env("lang"),
    default="en",
    show_default=True,
    help="Language of the comment and summary.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    envvar=_env("timeout"),
    default=None,
    help="Seconds for the whole run; apps not diffed by then are listed.",
)
@click.option(
    "--fail-on-error/--no-fail-on-error",
    envvar=_env("fail-on-error"),
    default=True,
    show_default=True,
    help="Exit 2 when an app could not be diffed.",
)
@click.option(
    "--results-file",
    envvar=_env("results-file"),
    default="argodiff-results.json",
    show_default=True,
    help="Results JSON path (relative to the workspace).",
)
@click.option(
    "--fallback",
    type=click.Choice(["offline", "none"]),
    envvar=_env("fallback"),
    default="offline",
    show_default=True,
    help="No Argo CD server configured, or none answering: compare offline, or fail.",
)
@click.option(
    "--apps-dir",
    envvar=_env("apps-dir"),
    default="argoproj",
    show_default=True,
    help="Directory of the Application manifests.",
)
@click.option("--dry-run", is_flag=True, help="Print the comment parts instead of posting them.")
@connection_options
@handle_errors
def pr_command(**params: Any) -> int:
    """The pull-request job, from the GitHub Actions environment (pull_request or
    workflow_dispatch): affected apps, their diffs, one sticky PR comment, the job summary,
    step outputs and a results JSON file."""
    ctx = from_environ(os.environ)
    params["concurrency"] = params["concurrency"] or PR_CONCURRENCY
    _apply_inputs(params, ctx)
    deadline.start(params["timeout"])  # discovery, `affected` and every tool included
    conn = connection_from(params)
    secrets = [*conn.secrets(), ctx.token]
    redactor = Redactor(secrets)
    actions = Actions(sys.stdout, output_path=ctx.output, summary_path=ctx.step_summary)
    for secret in secrets:
        actions.mask(secret)
    workspace = ctx.workspace or Path.cwd()
    urls = [f"{ctx.server_url}/{ctx.repository}"] if ctx.repository else []
    repo = LocalRepo.find(workspace, params["apps_dir"], urls)
    gh = github_client(ctx.token, api_url=ctx.api_url) if ctx.token else None
    # Progress and errors name apps, files and servers from the PR: nothing printed while
    # the apps are found and diffed may act on the runner.
    with actions.commands_off():
        req = from_event(
            ctx, repo, apps=params["apps"], revision=params["revision"], pr=params["pr_number"]
        )
        if req.apps is None:
            req.changed = _changed_files(ctx, req, repo, gh)
        run = _diff(req, params, conn, repo, redactor)

    log_apps(run, actions, redactor, lang=params["lang"])
    results_path = Path(params["results_file"])
    results_path = results_path if results_path.is_absolute() else workspace / results_path
    # A link the PR committed in the results file's place is removed, never followed (a later
    # upload step would follow it); the comment says so and the job fails.
    link = safewrite.remove_link(results_path, root=workspace)
    if link is not None:
        run.notices.append(
            f"the pull request put a symbolic link at the results file "
            f"{params['results_file']} (to {link}): removed, not followed"
        )
    write_results(run, results_path, redactor, workspace=workspace)
    note = ""
    if req.pr_number and ctx.repository:
        target = CommentTarget(
            gh=gh,
            repository=ctx.repository,
            number=req.pr_number,
            instance=params["instance"] or _instance(conn),
            max_chars=params["max_comment_chars"],
            max_parts=params["max_comments"],
            lang=params["lang"],
            head_sha=req.head_sha,
            pinned_head=req.pinned_head,
            run_url=ctx.run_url,
            repo_url=ctx.repo_url,
            artifact_url=f"{ctx.run_url}#artifacts" if ctx.run_url else "",
            max_diff_lines=params["max_diff_lines"],
        )
        with actions.commands_off():
            note = post_comment(
                run, target, redactor, dry_run=_print_parts if params["dry_run"] else None
            )
            click.echo(note)
    write_summary(
        run,
        actions,
        redactor,
        lang=params["lang"],
        head_sha=req.head_sha,
        run_url=ctx.run_url,
        repo_url=ctx.repo_url,
        note=note,
    )
    set_outputs(run, actions, results_path, workspace)
    failed = results.exit_status(run) is ExitStatus.ERROR
    if link is not None or (failed and params["fail_on_error"]):
        return int(ExitStatus.ERROR)
    return int(ExitStatus.NO_DIFF)


def _print_parts(parts: list[str]) -> None:
    for part in parts:
        click.echo(part)


def _apply_inputs(params: dict[str, Any], ctx: ActionsContext) -> None:
    """Action inputs fill the connection options that the command line left empty."""
    for option, name in (
        ("auth_token", "argocd-auth-token"),
        ("cf_access_client_id", "cf-access-client-id"),
        ("cf_access_client_secret", "cf-access-client-secret"),
        ("app_namespace", "app-namespace"),
    ):
        if not params.get(option):
            params[option] = ctx.input(name)
    if not params.get("servers") and ctx.input("argocd-server"):
        params["servers"] = (ctx.input("argocd-server"),)
    if ctx.input("concurrency"):
        try:
            params["concurrency"] = int(ctx.input("concurrency"))
        except ValueError:
            raise ConfigError(
                f"input concurrency: not a number: {ctx.input('concurrency')!r}"
            ) from None


def _changed_files(
    ctx: ActionsContext, req: Request, repo: LocalRepo, gh: Github | None
) -> list[str]:
    """The PR's files from the API; `git diff` from the merge base when the API's 3,000-file
    cap is hit, or there is no token."""
    if gh is not None and req.pr_number and ctx.repository:
        try:
            got = pr_changed_files(gh, ctx.repository, req.pr_number)
            if got.complete:
                return got.files
        except ArgodiffError:
            pass
    base = git.merge_base(repo.root, req.base_sha, req.head_sha)
    return git.changed_files(repo.root, base, req.head_sha)


def _diff(
    req: Request, params: dict[str, Any], conn: Connection, repo: LocalRepo, redactor: Redactor
) -> RunResult:
    mode = params["mode"]
    notices: list[str] = []
    why = _why_not_live(conn, req) if mode != Mode.OFFLINE else ""
    if why:
        if params["fallback"] != "offline":
            raise ConfigError(f"{why}; or use --mode offline")
        notices.append(FALLBACK(why=why))
        mode = Mode.OFFLINE

    def progress(result: AppResult, done: int, total: int) -> None:
        click.echo(
            visible(redactor.scrub(f"[{done}/{total}] {result.name}: {result.status.value}"))
        )

    def notify(message: str) -> None:
        click.echo(visible(redactor.scrub(f"argodiff: {message}")))

    with base_checkout(repo, req.base_sha) as base_dir:
        sel = select_apps(repo, base_dir, req.changed, req.apps)
        sel.notices = notices + sel.notices

        def attempt(how: str) -> RunResult:
            return diff_selection(
                sel,
                mode=how,
                repo=repo,
                base_dir=base_dir,
                head_sha=req.head_sha,
                base_sha=req.base_sha,
                conn=None if how == Mode.OFFLINE else conn,
                timeout=params["timeout"],
                notify=notify,
                progress=progress,
            )

        try:
            return attempt(mode)
        except ArgodiffError as exc:
            if not (is_unreachable(exc) and params["fallback"] == "offline"):
                raise
            sel.notices.insert(0, FALLBACK(why=messages.UNREACHABLE(error=exc)))
            return attempt(Mode.OFFLINE)


def _why_not_live(conn: Connection, req: Request) -> str:
    """Why Argo CD cannot be asked, naming the inputs (GitHub does not enforce `required`)."""
    if req.is_fork and not (conn.servers and conn.auth_token):
        return messages.FORK()
    if not conn.servers:
        return messages.NO_SERVER_INPUT()
    if not conn.auth_token:
        return messages.NO_TOKEN()
    if bool(conn.cf_access_client_id) != bool(conn.cf_access_client_secret):
        raise ConfigError(
            "cf-access-client-id and cf-access-client-secret go together, and one of them is "
            "empty: set both (ARGOCD_API_TOKEN_ID, ARGOCD_API_TOKEN_SECRET) or neither"
        )
    return ""


def _instance(conn: Connection) -> str:
    """The comment marker's id: the Argo CD host (the last server: the public tunnel name)."""
    return (urlparse(conn.servers[-1]).hostname or "argocd") if conn.servers else "argocd"
