"""Writing a run to the terminal or a log: format, color, progress, redaction, and keeping
text from a PR inert when the log is a GitHub Actions step's."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from typing import TextIO

from argodiff import results
from argodiff.cli.environment import Environment
from argodiff.cli.errors import log_safe
from argodiff.github.runner import Actions
from argodiff.model import AppResult, AppStatus, RunResult
from argodiff.report.markdown import render_markdown
from argodiff.report.text import render_text
from argodiff.run.jobs import Notify, Progress

FORMATS = ("text", "json", "markdown")


def use_color(flag: bool | None, stream: TextIO, env: Environment) -> bool:
    """--color/--no-color win; otherwise color on a terminal unless NO_COLOR is set."""
    if flag is not None:
        return flag
    return stream.isatty() and not env.no_color


def format_run(run: RunResult, fmt: str, *, color: bool = False, lang: str = "en") -> str:
    if fmt == "json":
        return results.dumps(run)
    if fmt == "markdown":
        return render_markdown(run, lang=lang)
    return render_text(run, color=color, lang=lang)


def _is_file(stream: TextIO) -> bool:
    try:
        return stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
    except (OSError, ValueError, AttributeError):
        return False


def emit(text: str, env: Environment, *, fmt: str = "text") -> None:
    """Print a report on stdout. In an Actions step log, text and markdown go inside a
    stop-commands block (not when redirected to a file); JSON, which tools read, stays plain
    JSON with `##[` written as the equivalent `#\\u0023[` (its lines never start with `::`)."""
    stream = env.stdout
    text = env.redactor.scrub(text)
    if not text.endswith("\n"):
        text += "\n"
    if env.in_actions and fmt == "json":
        text = text.replace("##[", "#\\u0023[")
    elif env.in_actions and not _is_file(stream):
        Actions(stream).untrusted(text)
        return
    stream.write(text)
    stream.flush()


def _line(env: Environment, stream: TextIO | None) -> Callable[[str], None]:
    """Write one scrubbed line, inert in an Actions log, to `stream` (default: stderr)."""

    def write(text: str) -> None:
        out = stream or env.stderr
        out.write(log_safe(env.redactor.scrub(text), actions=env.in_actions) + "\n")
        out.flush()

    return write


def progress_printer(
    env: Environment, *, enabled: bool = True, stream: TextIO | None = None
) -> Progress:
    """A progress callback for the jobs: `[i/n] app: status`, to stderr unless told."""
    write = _line(env, stream)

    def show(result: AppResult, done: int, total: int) -> None:
        if not enabled:
            return
        status = result.status.value
        if result.status is AppStatus.ERROR:
            status += f" ({result.error})"
        write(f"[{done}/{total}] {result.name}: {status}")

    return show


def notifier(env: Environment, *, stream: TextIO | None = None) -> Notify:
    """Events of the run (which server answered, which did not): `argodiff: ...`."""
    write = _line(env, stream)

    def note(message: str) -> None:
        write(f"argodiff: {message}")

    return note
