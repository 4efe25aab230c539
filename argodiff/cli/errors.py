"""Turning failures into a clear message and a named exit code, never a traceback."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import click

from argodiff.errors import ArgodiffError
from argodiff.exitcodes import ExitStatus
from argodiff.redact import Redactor


def _secret_param(name: str) -> bool:
    return "token" in name or "secret" in name


def handle_errors(func: Callable[..., int]) -> Callable[..., None]:
    """Run a command body; exit with its status, or print `argodiff: error: ...` and exit 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        redactor = Redactor(
            str(v) for k, v in kwargs.items() if isinstance(v, str) and _secret_param(k)
        )
        try:
            status = func(*args, **kwargs)
        except ArgodiffError as exc:
            click.echo(redactor.scrub(f"argodiff: error: {exc}"), err=True)
            sys.exit(ExitStatus.ERROR)
        except KeyboardInterrupt:
            click.echo("argodiff: interrupted", err=True)
            sys.exit(ExitStatus.ERROR)
        sys.exit(status)

    return wrapper
