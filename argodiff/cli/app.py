"""`argodiff app`: diff named Applications, from a laptop or a workflow step."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from argodiff import deadline, messages, results
from argodiff.cli.errors import handle_errors
from argodiff.cli.options import connection_from, connection_options, local_options
from argodiff.cli.output import (
    FORMATS,
    emit,
    format_run,
    in_actions,
    notifier,
    progress_printer,
    use_color,
)
from argodiff.errors import ArgodiffError, ConfigError
from argodiff.model import RunResult
from argodiff.redact import Redactor
from argodiff.repo.checkout import LocalRepo, default_base
from argodiff.run.diff import (
    FALLBACK,
    Target,
    run_live,
    run_offline,
    run_with_fallback,
)


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
@click.option(
    "--output", "-o", "fmt", type=click.Choice(FORMATS), default="text", show_default=True
)
@click.option(
    "--color/--no-color",
    default=None,
    help="Color the text output (default: on a terminal, unless NO_COLOR is set).",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "ja"]),
    default="en",
    show_default=True,
    help="Language of the markdown output.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=None,
    help="Seconds for the whole run; apps not diffed by then are listed.",
)
@connection_options
@local_options
@handle_errors
def app_command(**params: Any) -> int:
    """Diff Applications: live cluster vs a target (default: the working tree when run inside a
    checkout, else Argo CD's current target), or two revisions offline (--base)."""
    names: tuple[str, ...] = params["names"]
    deadline.start(params["timeout"])  # discovery, `affected` and every tool included
    conn = connection_from(params)
    redactor = Redactor(conn.secrets())
    targets = [t for t in ("revision", "local_flag", "current", "base") if params.get(t)]
    if len(targets) > 1:
        raise ConfigError("choose one target: --revision, --local, --current or --base")
    if params.get("head") and not params.get("base"):
        raise ConfigError("--head needs --base")
    if not names and not params["all_apps"]:
        raise ConfigError("name at least one Application, or pass --all")
    local = _find_repo(
        params, required=bool(params.get("base") or params.get("local_flag") or params["all_apps"])
    )
    actions = in_actions(os.environ)
    progress = progress_printer(redactor, enabled=len(names) != 1, actions=actions)

    def offline(base: str, head: str | None, notices: list[str]) -> RunResult:
        assert local is not None
        return run_offline(
            names,
            local,
            base=base,
            head=head,
            all_apps=params["all_apps"],
            timeout=params["timeout"],
            concurrency=conn.concurrency,
            progress=progress,
            notices=notices,
        )

    if params.get("base"):
        run = offline(params["base"], params.get("head"), [])
    else:
        target = Target.REVISION if params.get("revision") else Target.CURRENT
        if params.get("local_flag") or (
            not params.get("current") and not params.get("revision") and local
        ):
            target = Target.LOCAL
        if params["all_apps"] and not names:
            raise ConfigError("--all works with --base (offline); name the apps for a live diff")

        def live() -> RunResult:
            return run_live(
                names,
                conn,
                target=target,
                revision=params.get("revision") or "",
                local=local,
                timeout=params["timeout"],
                notify=notifier(redactor, actions=actions),
                progress=progress,
            )

        fallback = None
        if params["fallback"] == "offline" and local is not None:
            # The revision asked for (or the working tree) against what the default branch
            # had when it forked: the offline stand-in for "what would this change do".
            head = params.get("revision") or None

            def fallback(notice: str) -> RunResult:
                assert local is not None
                return offline(default_base(local.root, head or "HEAD"), head, [notice])

        if conn.servers:
            run = run_with_fallback(live, fallback)
        elif fallback is not None:
            run = fallback(FALLBACK(why=messages.NO_SERVER()))
        else:
            raise ConfigError(
                "no Argo CD server: pass --server or set ARGOCD_SERVER "
                "(or --base REF for an offline diff, or --fallback offline)"
            )
    fmt = params["fmt"]
    color = use_color(params["color"], sys.stdout)
    emit(format_run(run, fmt, color=color, lang=params["lang"]), redactor, fmt=fmt, actions=actions)
    return int(results.exit_status(run))


def _find_repo(params: dict[str, Any], *, required: bool) -> LocalRepo | None:
    try:
        return LocalRepo.find(Path(params["repo_path"]), params["apps_dir"], params["repo_urls"])
    except ArgodiffError:
        if required:
            raise
        return None
