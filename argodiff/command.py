"""The one place argodiff starts subprocesses (kustomize, helm, git)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from argodiff.errors import ArgodiffError

DEFAULT_TIMEOUT = 300.0
MAX_MESSAGE = 2000


class CommandError(ArgodiffError):
    """A tool failed, timed out or is not installed; the message is the tool's own, trimmed."""

    def __init__(self, tool: str, message: str) -> None:
        self.tool = tool
        super().__init__(f"{tool}: {message}")


@dataclass(frozen=True)
class Result:
    stdout: bytes
    stderr: str


def trim(text: str, limit: int = MAX_MESSAGE) -> str:
    """A tool's message made short enough to show: stripped, at most `limit` characters."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


_CREDENTIAL_WORDS = ("TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "API_KEY", "APIKEY")


def _tool_environment(extra: Mapping[str, str] | None) -> dict[str, str]:
    """The environment a tool runs with: argodiff's, minus every credential. A chart or
    kustomization in a PR is untrusted: Helm follows symlinks such as `/proc/self/environ`, so
    a tool must never hold the Argo CD token, the Access secret or the GitHub token. Action
    inputs (`INPUT_*`) all go: argodiff read them already."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("INPUT_")
        and not any(word in name.upper() for word in _CREDENTIAL_WORDS)
    }
    env.update(extra or {})
    return env


def which(tool: str) -> str | None:
    return shutil.which(tool)


def run(
    args: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    stdin: bytes | None = None,
    ok_codes: tuple[int, ...] = (0,),
) -> Result:
    """Run a tool; raise CommandError on a missing binary, a timeout or an unexpected exit code."""
    tool = os.path.basename(args[0])
    try:
        proc = subprocess.run(
            list(args),
            cwd=cwd,
            env=_tool_environment(env),
            input=stdin,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        raise CommandError(tool, "not installed (not found on PATH)") from None
    except subprocess.TimeoutExpired:
        raise CommandError(tool, f"timed out after {timeout:g} s") from None
    stderr = proc.stderr.decode("utf-8", "replace")
    if proc.returncode not in ok_codes:
        message = trim(stderr) or trim(proc.stdout.decode("utf-8", "replace"))
        raise CommandError(tool, message or f"exited with status {proc.returncode}")
    return Result(stdout=proc.stdout, stderr=stderr)
