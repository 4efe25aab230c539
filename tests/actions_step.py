"""One harness for an Actions step: the files and GITHUB_* variables the runner hands a step, and
the runner's reading of what the step wrote back ($GITHUB_OUTPUT, workflow commands in the log)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RUN_ID = "4242"


@dataclass(frozen=True)
class StepFiles:
    """The event payload and the two file commands of one step, in the runner's home."""

    event: Path
    output: Path
    summary: Path

    @classmethod
    def create(cls, home: Path, event: dict[str, Any]) -> StepFiles:
        """Write the event payload and empty $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY files."""
        files = cls(home / "event.json", home / "output", home / "summary")
        files.event.write_text(json.dumps(event), encoding="utf-8")
        for path in (files.output, files.summary):
            path.write_text("", encoding="utf-8")
        return files

    def environ(
        self, *, event_name: str, repository: str, sha: str, workspace: Path
    ) -> dict[str, str]:
        """The GITHUB_* variables the runner sets for a step of a workflow run."""
        return {
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": event_name,
            "GITHUB_EVENT_PATH": str(self.event),
            "GITHUB_REPOSITORY": repository,
            "GITHUB_RUN_ID": RUN_ID,
            "GITHUB_SHA": sha,
            "GITHUB_WORKSPACE": str(workspace),
            "GITHUB_OUTPUT": str(self.output),
            "GITHUB_STEP_SUMMARY": str(self.summary),
        }

    def outputs(self) -> dict[str, str]:
        return read_outputs(self.output)


def read_outputs(path: Path) -> dict[str, str]:
    """$GITHUB_OUTPUT parsed the way the runner does: `k=v` lines and `k<<DELIM` heredocs."""
    outputs: dict[str, str] = {}
    rows = iter(path.read_text(encoding="utf-8").split("\n"))
    for row in rows:
        if not row:
            continue
        equals, heredoc = row.find("="), row.find("<<")
        if equals >= 0 and (heredoc < 0 or equals < heredoc):
            outputs[row[:equals]] = row[equals + 1 :]
            continue
        name, delimiter = row[:heredoc], row[heredoc + 2 :]
        value: list[str] = []
        for item in rows:
            if item == delimiter:
                break
            value.append(item)
        else:
            raise AssertionError(f"heredoc for {name} never closed")
        outputs[name] = "\n".join(value)
    return outputs


def effective_commands(log: str) -> list[str]:
    """The workflow commands the runner would act on, honouring ::stop-commands::TOKEN."""
    acted: list[str] = []
    resume: str | None = None
    for line in log.splitlines():
        if resume is not None:
            resume = None if line == f"::{resume}::" else resume
            continue
        if line.startswith("::stop-commands::"):
            resume = line.removeprefix("::stop-commands::")
        elif line.startswith("::"):
            acted.append(line)
    return acted
