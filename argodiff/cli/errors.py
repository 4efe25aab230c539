"""Turning failures into a clear message and a named exit code, never a traceback."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any

import click

from argodiff.errors import ArgodiffError
from argodiff.exitcodes import ExitStatus
from argodiff.redact import Redactor
from argodiff.settings import Connection, parse_servers

SECRET_VARIABLES = (
    "ARGOCD_AUTH_TOKEN",
    "CF_ACCESS_CLIENT_SECRET",
    "GITHUB_TOKEN",
    "INPUT_ARGOCD-AUTH-TOKEN",
    "INPUT_CF-ACCESS-CLIENT-SECRET",
    "INPUT_GITHUB-TOKEN",
)


def _secret_param(name: str) -> bool:
    return "token" in name or "secret" in name


def _env_servers() -> list[str]:
    return [os.environ.get(name, "") for name in ("ARGOCD_SERVER", "INPUT_ARGOCD-SERVER")]


def _url_passwords(servers: list[str]) -> list[str]:
    """Credentials written into server URLs (`https://user:pw@host`), however malformed."""
    try:
        return Connection(servers=parse_servers([s for s in servers if s])).secrets()
    except ArgodiffError:
        return []


def _fail(message: str, redactor: Redactor) -> None:
    # Imported here: output pulls in the reports, which the error path rarely needs.
    from argodiff.cli.output import in_actions, log_safe

    line = redactor.scrub(f"argodiff: error: {message}")
    click.echo(log_safe(line, actions=in_actions(os.environ)), err=True)
    sys.exit(ExitStatus.ERROR)


def handle_errors(func: Callable[..., int]) -> Callable[..., None]:
    """Run a command body; exit with its status, or print `argodiff: error: ...` and exit 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        secrets = [str(v) for k, v in kwargs.items() if isinstance(v, str) and _secret_param(k)]
        secrets += [os.environ.get(name, "") for name in SECRET_VARIABLES]
        secrets += _url_passwords([*kwargs.get("servers", ()), *_env_servers()])
        redactor = Redactor(secrets)
        try:
            status = func(*args, **kwargs)
        except ArgodiffError as exc:
            _fail(str(exc), redactor)
        except KeyboardInterrupt:
            _fail("interrupted", redactor)
        except Exception as exc:  # a bug: say what broke, in one line, without a traceback
            _fail(f"internal error ({type(exc).__name__}): {exc}; please report it", redactor)
        sys.exit(status)

    return wrapper
