"""Talking to the GitHub Actions runner: workflow commands, step outputs and the job summary."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from argodiff import safewrite
from argodiff.report.escape import visible

# The runner refuses a step summary above 1 MiB (the upload fails and the summary is lost).
SUMMARY_LIMIT = 1024 * 1024
SUMMARY_CUT_NOTE = (
    "\n> [!WARNING]\n"
    "> argodiff cut the rest of this summary: GitHub shows at most 1 MiB of summary per step.\n"
)
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as actions/toolkit does (`%`, CR, LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: the message escapes plus `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _closers(markdown: str) -> str:
    """What closes the code fence and `<details>` blocks left open at the end of `markdown`."""
    fence = ""
    details = 0
    for line in markdown.splitlines():
        match = _FENCE.match(line)
        if fence:
            # A fence closes with the same character, at least as many, and nothing after.
            if match and match[1].startswith(fence) and not line[match.end() :].strip():
                fence = ""
            continue
        if match:
            fence = match[1]
            continue
        details += line.count("<details") - line.count("</details>")
    return (f"{fence}\n" if fence else "") + "</details>\n" * max(details, 0)


def cut_markdown(markdown: str, budget: int) -> str:
    """The longest run of whole lines of `markdown`, with open fences and `<details>` closed,
    that fits in `budget` UTF-8 bytes."""
    while budget > 0:
        head = markdown.encode()[:budget].decode("utf-8", "ignore")
        head = head[: head.rfind("\n") + 1]
        cut = head + _closers(head)
        overflow = len(cut.encode()) - budget
        if overflow <= 0:
            return cut
        budget -= overflow
    return ""


class Actions:
    """Writes for the runner: commands to `out` (the step log), outputs to $GITHUB_OUTPUT and
    markdown to $GITHUB_STEP_SUMMARY. Without those paths (not under Actions) the file writes
    do nothing."""

    def __init__(
        self, out: TextIO, *, output_path: Path | None = None, summary_path: Path | None = None
    ) -> None:
        self._out = out
        self._output_path = output_path
        self._summary_path = summary_path
        self._summary_full = False

    def _write(self, text: str) -> None:
        # Flushed at once so commands keep their place among helm/kustomize output in the log.
        self._out.write(text)
        self._out.flush()

    def _command(self, name: str, message: str = "", **properties: str) -> None:
        if name != "add-mask":  # a mask must be the secret itself; other text a reader reads
            message = visible(message)
        props = ",".join(f"{k}={escape_property(v)}" for k, v in properties.items() if v)
        self._write(f"::{name}{' ' + props if props else ''}::{escape_data(message)}\n")

    def mask(self, value: str) -> None:
        """Hide a secret in the log; each line separately, as the runner masks line by line."""
        for line in value.splitlines():
            if line.strip():
                self._command("add-mask", line)

    @contextmanager
    def group(self, title: str) -> Iterator[None]:
        """A foldable section of the log."""
        self._command("group", title)
        try:
            yield
        finally:
            self._command("endgroup")

    def error(self, message: str, *, title: str = "", file: str = "", line: int = 0) -> None:
        """An error annotation (on `file`/`line` when given)."""
        self._annotate("error", message, title, file, line)

    def warning(self, message: str, *, title: str = "", file: str = "", line: int = 0) -> None:
        self._annotate("warning", message, title, file, line)

    def notice(self, message: str, *, title: str = "", file: str = "", line: int = 0) -> None:
        self._annotate("notice", message, title, file, line)

    def _annotate(self, kind: str, message: str, title: str, file: str, line: int) -> None:
        self._command(kind, message, file=file, line=str(line) if line else "", title=title)

    @contextmanager
    def commands_off(self) -> Iterator[None]:
        """Whatever is printed inside (manifests, diffs, app names from a PR) cannot act on the
        runner: workflow commands are off until a resume token that is random per block, so
        the text cannot guess it to switch commands back on."""
        token = uuid.uuid4().hex
        self._command("stop-commands", token)
        try:
            yield
        finally:
            self._write(f"::{token}::\n")

    def untrusted(self, text: str) -> None:
        """Print text from a PR with workflow commands switched off (see commands_off)."""
        with self.commands_off():
            self._write(text if text.endswith("\n") else text + "\n")

    def set_output(self, name: str, value: str) -> None:
        """Set a step output: `name=value`, or for a value with line breaks the heredoc form
        with a fresh `ghadelimiter_<uuid>` that does not occur in the value."""
        if not name or any(bad in name for bad in ("=", "<<", "\n", "\r")):
            raise ValueError(f"invalid output name {name!r}")
        if self._output_path is None:
            return
        if "\n" in value or "\r" in value:
            delimiter = f"ghadelimiter_{uuid.uuid4()}"
            while delimiter in value:
                delimiter = f"ghadelimiter_{uuid.uuid4()}"
            entry = f"{name}<<{delimiter}\n{value}\n{delimiter}\n"
        else:
            entry = f"{name}={value}\n"
        safewrite.write_text(self._output_path, entry, append=True)

    def append_summary(self, markdown: str) -> None:
        """Add markdown to the job summary, keeping the file below 1 MiB: what does not fit is
        cut at a line boundary (open code fences and `<details>` closed) and replaced by a note;
        later additions are dropped."""
        if self._summary_path is None or self._summary_full:
            return
        used = self._summary_path.lstat().st_size if self._summary_path.exists() else 0
        room = SUMMARY_LIMIT - 1 - used
        if len(markdown.encode()) > room:
            self._summary_full = True
            budget = room - len(SUMMARY_CUT_NOTE.encode())
            markdown = cut_markdown(markdown, budget) + SUMMARY_CUT_NOTE if budget > 0 else ""
        safewrite.write_text(self._summary_path, markdown, append=True)
