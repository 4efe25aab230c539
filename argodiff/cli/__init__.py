"""The `argodiff` command line: thin commands over the library modules."""

from __future__ import annotations

import click

from argodiff import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="argodiff")
def cli() -> None:
    """Show what a change to this GitOps repository would do to the live Argo CD cluster."""


def main() -> None:
    cli(prog_name="argodiff")


# Commands register themselves on `cli` when imported.
from argodiff.cli import affected, app, demo, pr, report  # noqa: E402, F401
