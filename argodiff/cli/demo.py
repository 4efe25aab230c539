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
    the report; `-o markdown` prints the PR comment as argodiff would post it."""
    repo = LocalRepo.find(Path(params["repo_path"]), params["apps_dir"], params["repo_urls"])
    redactor = Redactor()
    actions = in_actions(os.environ)
    run = run_demo(repo, progress=progress_printer(redactor, enabled=True, actions=actions))
    color = use_color(params["color"], sys.stdout)
    emit(
        format_run(run, params["fmt"], color=color, lang=params["lang"]),
        redactor,
        fmt=params["fmt"],
        actions=actions,
    )
    # The demo's diff is expected: only a failure is worth a non-zero exit.
    failed = results.exit_status(run) is ExitStatus.ERROR
    return int(ExitStatus.ERROR if failed else ExitStatus.NO_DIFF)
