"""Run the real `argodiff` CLI as a subprocess in a fixture repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.e2e.cli import CliRun
from tests.fixture_repo import REPO_URL


def argodiff(repo: Path, *args: str, env: dict[str, str] | None = None) -> CliRun:
    """`argodiff ARGS --repo-url REPO_URL` in `repo` (the generators' repoURL is this repo;
    `pr` learns it from GITHUB_REPOSITORY instead)."""
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("ARGOCD_", "GITHUB_"))}
    base_env.update({"NO_COLOR": "1", "ARGODIFF_RETRY_BACKOFF": "0", **(env or {})})
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "argodiff",
            *args,
            *([] if args[0] == "pr" else ["--repo-url", REPO_URL]),
        ],
        capture_output=True,
        text=True,
        cwd=repo,
        env=base_env,
        timeout=180,
        check=False,
    )
    return CliRun(proc.returncode, proc.stdout, proc.stderr)


def by_name(run: CliRun) -> dict[str, dict[str, Any]]:
    return {a["name"]: a for a in run.result["apps"]}
