"""`argodiff app`: diff named Applications, from a laptop or a workflow step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from argodiff import deadline
from argodiff.cli.appset_options import appset_options, with_appsets
from argodiff.cli.environment import Environment
from argodiff.cli.errors import handle_errors
from argodiff.cli.options import (
    connection_from,
    connection_options,
    local_options,
    output_option,
    run_options,
)
from argodiff.cli.output import (
    FORMATS,
    emit,
    format_run,
    notifier,
    progress_printer,
    use_color,
)
from argodiff.cli.render_flags import render_flag_options, with_render_options
from argodiff.discover.applications import discover_applications
from argodiff.errors import ArgodiffError, ConfigError
from argodiff.exitcodes import exit_status
from argodiff.model import RunResult
from argodiff.repo.checkout import AppsDirMissing, LocalRepo, default_base
from argodiff.repo.sources import ForeignRepository
from argodiff.run import plan
from argodiff.run.diff import execute
from argodiff.run.fallback import live_or_offline, why_not_live
from argodiff.settings import Mode
from argodiff.suggest import did_you_mean


@click.command("app")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option("--all", "all_apps", is_flag=True, help="Every Application under --apps-dir.")
@click.option("--revision", help="Target: Argo CD renders this git revision (SHA, branch, tag).")
@click.option(
    "--local", "local_flag", is_flag=True, help="Target: the working tree, rendered by argodiff."
)
@click.option("--current", is_flag=True, help="Target: Argo CD's current target state.")
@click.option(
    "--base",
    metavar="REF",
    help="Offline: compare REF with the working tree (or --head), both rendered locally; "
    "no Argo CD needed.",
)
@click.option(
    "--head", metavar="REF", help="With --base: compare with REF instead of the working tree."
)
@click.option(
    "--fallback",
    type=click.Choice(["offline", "none"]),
    default="none",
    show_default=True,
    help="When no Argo CD server is configured or none answers: compare offline against the "
    "merge base instead (and say so loudly).",
)
@output_option(
    FORMATS,
    "Report format: text (colored on a terminal), json (the results JSON) or markdown "
    "(the PR comment).",
)
@click.option(
    "--color/--no-color",
    default=None,
    help="Color the text output (default: on a terminal, unless NO_COLOR is set).",
)
@run_options("the markdown output")
@connection_options
@appset_options()
@local_options
@render_flag_options()
@handle_errors
def app_command(env: Environment, **params: Any) -> int:
    """Diff Applications: live cluster vs a target (default: the working tree when run inside a
    checkout, else Argo CD's current target), or two revisions offline (--base)."""
    names: tuple[str, ...] = params["names"]
    deadline.start(params["timeout"])  # discovery, `affected` and every tool included
    conn = connection_from(params, "app")
    client = env.argo_client(conn, on_event=notifier(env))
    targets = [t for t in ("revision", "local_flag", "current", "base") if params.get(t)]
    if len(targets) > 1:
        raise ConfigError("choose one target: --revision, --local, --current or --base")
    if params.get("head") and not params.get("base"):
        raise ConfigError("--head needs --base")
    if not names and not params["all_apps"]:
        raise ConfigError("name at least one Application, or pass --all")
    if names and params["all_apps"]:
        raise click.UsageError("--all means every Application: pass --all or names, not both")
    local = _find_repo(
        params,
        env,
        required=bool(params.get("base") or params.get("local_flag") or params["all_apps"]),
    )
    if local is not None:
        local = with_appsets(local, params, None if params.get("base") else client)
    options = {
        "concurrency": conn.concurrency,
        "timeout": params["timeout"],
        "progress": progress_printer(env, enabled=len(names) != 1),
    }

    def offline(base: str, head: str | None, notices: list[str]) -> RunResult:
        assert local is not None
        with plan.two_revisions(
            local, names, base=base, head=head, all_apps=params["all_apps"], notices=notices
        ) as two:
            return execute(two, **options)

    if params.get("base"):
        run = offline(params["base"], params.get("head"), [])
    else:
        mode = Mode.REVISION if params.get("revision") else Mode.CURRENT
        if params.get("local_flag") or (
            not params.get("current") and not params.get("revision") and local
        ):
            mode = Mode.LOCAL
        if params["all_apps"]:
            raise ConfigError("--all works with --base (offline); name the apps for a live diff")
        if mode is Mode.LOCAL and local is not None:
            _check_local_names(names, local)

        def live() -> RunResult:
            with plan.named_apps(names, mode, local, params.get("revision") or "") as named:
                return execute(named, client=client, **options)

        fallback = None
        if params["fallback"] == "offline" and local is not None:
            # The revision asked for (or the working tree) against what the default branch
            # had when it forked: the offline stand-in for "what would this change do".
            head = params.get("revision") or None

            def fallback(notice: str) -> RunResult:
                assert local is not None
                return offline(default_base(local.root, head or "HEAD"), head, [notice])

        run = live_or_offline(
            live,
            fallback,
            why_not=why_not_live(conn),
            hint="or --base REF for an offline diff, or --fallback offline",
        )
    fmt = params["fmt"]
    color = use_color(params["color"], env.stdout, env)
    emit(format_run(run, fmt, color=color, lang=params["lang"]), env, fmt=fmt)
    return int(exit_status(run))


def _find_repo(params: dict[str, Any], env: Environment, *, required: bool) -> LocalRepo | None:
    try:
        repo = LocalRepo.find(Path(params["repo_path"]), params["apps_dir"], params["repo_urls"])
    except ForeignRepository:
        raise  # the checkout is there, but argodiff would render nothing from it
    except AppsDirMissing:
        # A wrong --apps-dir is a mistake; a checkout of another repository (run with
        # --current or --revision) is not.
        ctx = click.get_current_context()
        if required or ctx.get_parameter_source("apps_dir") is not ParameterSource.DEFAULT:
            raise
        return None
    except ArgodiffError:
        if required:
            raise
        return None
    return with_render_options(repo, params, env)


def _check_local_names(names: tuple[str, ...], local: LocalRepo) -> None:
    """Names the working tree does not define, said before anything is asked of Argo CD."""
    found = discover_applications(local.root, local.apps_dir, local.appsets)
    known = [a.name for a in found.apps]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ConfigError(
            "; ".join(
                f"no Application named {name} under {local.apps_dir}/{did_you_mean(name, known)}"
                for name in unknown
            )
        )
