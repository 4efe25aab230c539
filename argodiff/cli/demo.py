"""`argodiff demo`: see a PR report on this repository with no cluster and no network."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from argodiff import results
from argodiff.cli.errors import handle_errors
from argodiff.cli.options import local_options
from argodiff.cli.output import (
    FORMATS,
    emit,
    format_run,
    in_actions,
    progress_printer,
    use_color,
)
from argodiff.exitcodes import ExitStatus
from argodiff.publish.deliver import CommentTarget, comment_bodies
from argodiff.redact import Redactor
from argodiff.repo.checkout import LocalRepo
from argodiff.run.demo import run_demo


@click.command("demo")
@click.option(
    "--output", "-o", "fmt", type=click.Choice(FORMATS), default="text", show_default=True
)
@click.option("--color/--no-color", default=None, help="Color the text output.")
@click.option("--lang", type=click.Choice(["en", "ja"]), default="en", show_default=True)
@local_options
@handle_errors
def demo_command(**params: Any) -> int:
    """Run the PR job offline on a built-in change to this repository's argoproj/ (newer
    cloudflared and a PodDisruptionBudget for Longhorn, a removed Dashboard account) and print
    the report; `-o markdown` prints the first PR comment part exactly as `argodiff pr` would
    post it, marker and footer included."""
    repo = LocalRepo.find(Path(params["repo_path"]), params["apps_dir"], params["repo_urls"])
    redactor = Redactor()
    actions = in_actions(os.environ)
    run = run_demo(repo, progress=progress_printer(redactor, enabled=True, actions=actions))
    color = use_color(params["color"], sys.stdout)
    if params["fmt"] == "markdown":
        # Exactly the first comment part `argodiff pr` posts for this run without a server.
        target = CommentTarget(
            gh=None, repository="", number=0, instance="argocd", max_chars=65_000,
            max_parts=10, lang=params["lang"],
        )  # fmt: skip
        text = comment_bodies(run, target)[0]
    else:
        text = format_run(run, params["fmt"], color=color, lang=params["lang"])
    emit(text, redactor, fmt=params["fmt"], actions=actions)
    # The demo's diff is expected: only a failure is worth a non-zero exit.
    failed = results.exit_status(run) is ExitStatus.ERROR
    return int(ExitStatus.ERROR if failed else ExitStatus.NO_DIFF)
