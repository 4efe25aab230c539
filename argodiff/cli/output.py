"""Writing a run to the terminal or a file: format choice, color, progress, redaction."""

from __future__ import annotations

import os
import sys
from typing import TextIO

import click

from argodiff import results
from argodiff.model import AppResult, AppStatus, RunResult
from argodiff.redact import Redactor
from argodiff.report.markdown import render_markdown
from argodiff.report.text import render_text
from argodiff.runs import Notify, Progress

FORMATS = ("text", "json", "markdown")


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
    return render_text(run, color=color)


def emit(text: str, redactor: Redactor, stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    stream.write(redactor.scrub(text))
    if not text.endswith("\n"):
        stream.write("\n")
    stream.flush()


def progress_printer(redactor: Redactor, *, enabled: bool) -> Progress:
    """A progress callback for run_jobs that writes `[i/n] app: status` to stderr."""

    def show(result: AppResult, done: int, total: int) -> None:
        if not enabled:
            return
        status = result.status.value
        if result.status is AppStatus.ERROR:
            status += f" ({result.error})"
        click.echo(redactor.scrub(f"[{done}/{total}] {result.name}: {status}"), err=True)

    return show


def notifier(redactor: Redactor) -> Notify:
    def note(message: str) -> None:
        click.echo(redactor.scrub(f"argodiff: {message}"), err=True)

    return note
