"""A typo gets the closest names argodiff knows, and a contradiction is a usage error."""

from __future__ import annotations

import json
from pathlib import Path

import click

from argodiff.cli import COMMANDS, cli
from tests.conftest import GitOpsRepo
from tests.first_contact.helpers import REPO_ROOT, argodiff, clean_env
from tests.simulator import Simulator


def test_a_mistyped_app_gets_the_local_trees_names() -> None:
    """The README's `argodiff app longhorn`, mistyped, in this repository."""
    run = argodiff("app", "longhron")
    assert run.code == 2
    assert run.error_lines == [
        "argodiff: error: no Application named longhron under argoproj/; did you mean longhorn?"
    ]


def test_offline_a_mistyped_app_is_that_apps_error_with_a_suggestion() -> None:
    run = argodiff("app", "longhron", "root", "--base", "HEAD", "-o", "json")
    assert run.code == 2
    apps = {a["name"]: a for a in json.loads(run.stdout)["apps"]}
    assert apps["longhron"]["error"] == (
        "no Application of that name under argoproj/; did you mean longhorn?"
    )
    assert apps["root"]["status"] == "unchanged"  # the other app is still diffed


def test_a_mistyped_app_gets_argo_cds_names(sim: Simulator, gitops_repo: GitOpsRepo) -> None:
    run = argodiff(
        "app",
        "wbe",
        "--server",
        sim.url,
        "--auth-token",
        sim.token,
        "--revision",
        gitops_repo.pr,
        "-o",
        "json",
        cwd=Path("/"),  # outside any checkout: Argo CD's list is all argodiff knows
    )
    assert run.code == 2
    (app,) = json.loads(run.stdout)["apps"]
    assert app["error"].endswith("; did you mean web?"), app["error"]


def test_a_mistyped_command_gets_clicks_suggestion() -> None:
    run = argodiff("ap")
    assert run.code == 2
    assert "Error: No such command 'ap'. Did you mean 'app'?" in run.stderr


def test_all_with_names_is_a_usage_error() -> None:
    run = argodiff("app", "longhorn", "--all", "--base", "HEAD")
    assert run.code == 2
    assert "Error: --all means every Application: pass --all or names, not both" in run.stderr
    assert "Usage: argodiff app" in run.stderr


def test_a_mistyped_apps_dir_is_an_error_not_zero_apps(tmp_path: Path) -> None:
    for args in (
        ("app", "--all", "--base", "HEAD"),
        ("app", "longhorn", "--revision", "HEAD", "--server", "http://127.0.0.1:9"),
        ("affected",),
        ("demo",),
    ):
        run = argodiff(*args, "--apps-dir", "argoprj", env=clean_env(ARGOCD_AUTH_TOKEN="a.b.c"))
        assert run.code == 2, (args, run.stdout, run.stderr)
        assert run.error_lines == [
            f"argodiff: error: --apps-dir argoprj: {REPO_ROOT / 'argoprj'} does not exist"
        ], args


def test_every_option_of_every_command_has_help() -> None:
    ctx = click.Context(cli)
    missing = [
        f"{name} {'/'.join(param.opts)}"
        for name in COMMANDS
        for param in cli.get_command(ctx, name).params  # type: ignore[union-attr]
        if isinstance(param, click.Option) and not param.hidden and not param.help
    ]
    assert missing == []
