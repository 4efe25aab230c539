"""Writing a run to the terminal or a log: format, color, progress, redaction, and keeping
text from a PR inert when the log is a GitHub Actions step's."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Mapping
from typing import TextIO

import click

from argodiff import results
from argodiff.github.runner import Actions
from argodiff.model import AppResult, AppStatus, RunResult
from argodiff.redact import Redactor
from argodiff.report.escape import visible
from argodiff.report.markdown import render_markdown
from argodiff.report.text import render_text
from argodiff.run.jobs import Notify, Progress

FORMATS = ("text", "json", "markdown")


def in_actions(environ: Mapping[str, str]) -> bool:
    """Whether stdout and stderr are a GitHub Actions step log (the runner parses commands)."""
    return environ.get("GITHUB_ACTIONS") == "true"


def use_color(flag: bool | None, stream: TextIO) -> bool:
    """--color/--no-color win; otherwise color on a terminal unless NO_COLOR is set."""
    if flag is not None:
        return flag
    return stream.isatty() and not os.environ.get("NO_COLOR")


def format_run(run: RunResult, fmt: str, *, color: bool = False, lang: str = "en") -> str:
    if fmt == "json":
        return results.dumps(run)
    if fmt == "markdown":
        return render_markdown(run, lang=lang)
    return render_text(run, color=color, lang=lang)


def log_safe(text: str, *, actions: bool) -> str:
    """One line for an Actions log printed outside a stop-commands block: the runner honours
    `::cmd` at a line's start (after spaces) and the legacy `##[cmd]` anywhere in it. Bidi
    and invisible characters (in app names, say) are shown escaped everywhere."""
    text = visible(text)
    if not actions:
        return text
    text = text.replace("##[", "#\u200b#[")
    return "\u200b" + text if text.lstrip().startswith("::") else text


def _is_file(stream: TextIO) -> bool:
    try:
        return stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
    except (OSError, ValueError, AttributeError):
        return False


def emit(
    text: str,
    redactor: Redactor,
    stream: TextIO | None = None,
    *,
    fmt: str = "text",
    actions: bool = False,
) -> None:
    """Print a report. In an Actions step log, text and markdown go inside a stop-commands
    block (not when redirected to a file); JSON, which tools read, stays plain JSON with `##[`
    written as the equivalent `#\\u0023[` (its lines never start with `::`)."""
    stream = stream or sys.stdout
    text = redactor.scrub(text)
    if not text.endswith("\n"):
        text += "\n"
    if actions and fmt == "json":
        text = text.replace("##[", "#\\u0023[")
    elif actions and not _is_file(stream):
        Actions(stream).untrusted(text)
        return
    stream.write(text)
    stream.flush()


def progress_printer(redactor: Redactor, *, enabled: bool, actions: bool = False) -> Progress:
    """A progress callback for run_jobs that writes `[i/n] app: status` to stderr."""

    def show(result: AppResult, done: int, total: int) -> None:
        if not enabled:
            return
        status = result.status.value
        if result.status is AppStatus.ERROR:
            status += f" ({result.error})"
        line = redactor.scrub(f"[{done}/{total}] {result.name}: {status}")
        click.echo(log_safe(line, actions=actions), err=True)

    return show


def notifier(redactor: Redactor, *, actions: bool = False) -> Notify:
    def note(message: str) -> None:
        click.echo(log_safe(redactor.scrub(f"argodiff: {message}"), actions=actions), err=True)

    return note
