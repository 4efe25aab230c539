"""The `argodiff` command line: thin commands over the library modules."""

from __future__ import annotations

import importlib
import sys

import click

from argodiff import __version__, deadline
from argodiff.cli.environment import Environment
from argodiff.errors import ConfigError
from argodiff.exitcodes import ExitStatus

COMMANDS = {
    "app": "argodiff.cli.app:app_command",
    "pr": "argodiff.cli.pr:pr_command",
    "affected": "argodiff.cli.affected:affected_command",
    "report": "argodiff.cli.report:report_command",
    "demo": "argodiff.cli.demo:demo_command",
    "capabilities": "argodiff.cli.capabilities:capabilities_command",
}


class LazyGroup(click.Group):
    """Imports a command's module only when that command runs (or help lists it): `app` need
    not load PyGithub, and every start stays quick."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as exc:
            # Click suggests from the commands it holds; these load lazily, so name them.
            raise click.exceptions.NoSuchCommand(
                exc.command_name, possibilities=COMMANDS, ctx=ctx
            ) from None

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        command = getattr(importlib.import_module(module), attr)
        assert isinstance(command, click.Command)
        return command


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="argodiff")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Show what a change to this GitOps repository would do to the live Argo CD cluster."""
    if ctx.obj is None:  # invoked without `main` (click's test runner): this process
        ctx.obj = Environment.of_process()


def main(env: Environment | None = None) -> None:
    """The program: its `Environment` is read here, once, and handed to the command."""
    deadline.start(None)  # `app` and `pr` set the run's limit from --timeout
    try:
        env = env or Environment.of_process()
    except ConfigError as exc:  # a bad ARGODIFF_MAX_* value
        click.echo(f"argodiff: error: {exc}", err=True)
        sys.exit(int(ExitStatus.ERROR))
    try:
        cli(prog_name="argodiff", obj=env)
    finally:
        deadline.start(None)  # the limit was this run's (main may run again, in tests)
