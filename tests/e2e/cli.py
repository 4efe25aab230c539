"""Run the real `argodiff` CLI as a subprocess against a simulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.simulator import Simulator

CLI_TIMEOUT = 120


@dataclass
class CliRun:
    code: int
    stdout: str
    stderr: str

    @property
    def result(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.stdout)
        return data

    def app(self, name: str) -> dict[str, Any]:
        found: list[dict[str, Any]] = [a for a in self.result["apps"] if a["name"] == name]
        assert len(found) == 1, f"{name} reported {len(found)} times"
        return found[0]

    def changes(self, name: str) -> set[tuple[str, str, str]]:
        """(change, kind, name) of every resource reported for the app."""
        return {(r["change"], r["kind"], r["name"]) for r in self.app(name)["resources"]}


def run_cli(
    sim: Simulator,
    *names: str,
    revision: str,
    cwd: Path,
    extra: tuple[str, ...] = (),
    token: str | None = None,
) -> CliRun:
    """`argodiff app NAMES --server URL --auth-token T --revision REV --output json`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARGOCD_", "CF_ACCESS_"))}
    # No waiting between retries: the fault tests retry a lot, and time is not what they check.
    env.update({"ARGODIFF_RETRY_BACKOFF": "0", "NO_COLOR": "1"})
    args = [sys.executable, "-m", "argodiff", "app", *names, "--server", sim.url]
    args += ["--auth-token", sim.token if token is None else token, "--revision", revision]
    proc = subprocess.run(
        [*args, "--output", "json", *extra],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=CLI_TIMEOUT,
        check=False,
    )
    return CliRun(proc.returncode, proc.stdout, proc.stderr)
