"""The error boundary: a failure becomes a clear message and a named exit code, never a
traceback."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import click

from argodiff.cli.environment import Environment
from argodiff.errors import ArgodiffError
from argodiff.exitcodes import ExitStatus
from argodiff.report.escape import visible


def _secret_param(name: str) -> bool:
    return "token" in name or "secret" in name


def log_safe(text: str, *, actions: bool) -> str:
    """One line for an Actions log printed outside a stop-commands block: the runner honours
    `::cmd` at a line's start (after spaces) and the legacy `##[cmd]` anywhere in it. Bidi
    and invisible characters (in app names, say) are shown escaped everywhere."""
    text = visible(text)
    if not actions:
        return text
    text = text.replace("##[", "#\u200b#[")
    return "\u200b" + text if text.lstrip().startswith("::") else text


def _fail(message: str, env: Environment) -> None:
    line = env.redactor.scrub(f"argodiff: error: {message}")
    click.echo(log_safe(line, actions=env.in_actions), file=env.stderr)
    sys.exit(ExitStatus.ERROR)


def handle_errors(func: Callable[..., int]) -> Callable[..., None]:
    """Run a command body with the process's `Environment`; exit with its status, or print
    `argodiff: error: ...` and exit 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        env = click.get_current_context().find_object(Environment)
        assert env is not None, "commands run under the `cli` group, which sets the Environment"
        env.protect(str(v) for k, v in kwargs.items() if isinstance(v, str) and _secret_param(k))
        env.protect_servers(kwargs.get("servers", ()))
        try:
            status = func(env, *args, **kwargs)
        except click.ClickException:
            raise  # a usage error: Click prints it with the usage hint (exit 2)
        except ArgodiffError as exc:
            _fail(str(exc), env)
        except Exception as exc:  # a bug: say what broke, in one line, without a traceback
            _fail(f"internal error ({type(exc).__name__}): {exc}; please report it", env)
        sys.exit(status)

    return wrapper
