"""`argodiff demo`: see a PR report on this repository with no cluster and no network."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from argodiff.cli.environment import Environment
from argodiff.cli.errors import handle_errors
from argodiff.cli.options import lang_option, local_options, output_option
from argodiff.cli.output import FORMATS, emit, format_run, progress_printer, use_color
from argodiff.cli.render_flags import render_flag_options, with_render_options
from argodiff.errors import ArgodiffError, ConfigError
from argodiff.exitcodes import exit_status
from argodiff.publish.deliver import CommentTarget, comment_bodies
from argodiff.repo.checkout import AppsDirMissing, LocalRepo
from argodiff.repo.sources import ForeignRepository
from argodiff.run.demo import demo_plan
from argodiff.run.diff import execute
from argodiff.settings import DEFAULT_CONCURRENCY


@click.command("demo")
@output_option(
    FORMATS,
    "Report format: text, json (the results JSON) or markdown (the PR comment).",
)
@click.option("--color/--no-color", default=None, help="Color the text output.")
@lang_option("Language of the markdown report.")
@local_options
@render_flag_options()
@handle_errors
def demo_command(env: Environment, **params: Any) -> int:
    """Run the PR job offline on a built-in change to this repository's argoproj/ (newer
    cloudflared and a PodDisruptionBudget for Longhorn, a removed Dashboard account) and print
    the report; `-o markdown` prints the first PR comment part exactly as `argodiff pr` would
    post it, marker and footer included."""
    try:
        repo = LocalRepo.find(Path(params["repo_path"]), params["apps_dir"], params["repo_urls"])
    except (AppsDirMissing, ForeignRepository):
        raise  # said as is: the checkout is there
    except ArgodiffError as exc:
        raise ConfigError(
            "demo needs a git checkout of argodiff's own repository, whose argoproj/ it"
            f" changes (run it in a clone of argodiff, or pass --repo to one): {exc}"
        ) from None
    repo = with_render_options(repo, params, env)
    with demo_plan(repo) as demo:
        run = execute(
            demo,
            concurrency=DEFAULT_CONCURRENCY["demo"],
            progress=progress_printer(env),
        )
    color = use_color(params["color"], env.stdout, env)
    if params["fmt"] == "markdown":
        # Exactly the first comment part `argodiff pr` posts for this run without a server.
        target = CommentTarget(
            gh=None, repository="", number=0, instance="argocd", max_chars=65_000,
            max_parts=10, lang=params["lang"],
        )  # fmt: skip
        text = comment_bodies(run, target)[0]
    else:
        text = format_run(run, params["fmt"], color=color, lang=params["lang"])
    emit(text, env, fmt=params["fmt"])
    # The demo's diff is expected: only a failure is worth a non-zero exit.
    return int(exit_status(run, diff_is_news=False))
