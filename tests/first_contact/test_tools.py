"""A new user's first steps: the README's test command is what CI runs, and it brings its own
tools (tests/tools.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.first_contact.helpers import git_only_path
from tests.tools import BINARIES, CACHE, fetch, sha256

REPO_ROOT = Path(__file__).resolve().parents[2]


def _readme_test_command() -> str:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S)
    assert first_block is not None
    lines = [line.split("#")[0].strip() for line in first_block[1].splitlines()]
    (command,) = [line for line in lines if "pytest" in line]
    return command


def test_ci_runs_exactly_the_readme_test_command() -> None:
    command = _readme_test_command()
    assert command == "pip install -e '.[test]' && python -m pytest"
    script = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    steps = [
        line
        for line in script.splitlines()
        if line.strip() and not line.startswith(("#", "set ", "cd "))
    ]
    assert steps == [command]


def test_missing_tools_come_from_the_checksummed_cache(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": git_only_path(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "tests.tools"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    line = proc.stdout.strip()
    assert line.startswith("tools: helm v4.1.4"), line
    # As root with a private checkout, a verified copy in /tmp (tests/tools.py _reachable_copy).
    assert f"({CACHE / 'bin' / 'helm'})" in line or "(/tmp/argodiff-test-tools-" in line, line
    assert "kubectl kustomize (Client Version: v1.33.9, Kustomize Version: v5.6.0;" in line
    assert "\n" not in line
    for tool, (_, digest) in BINARIES.items():
        assert sha256((CACHE / "bin" / tool).read_bytes()) == digest


def test_a_tampered_cached_tool_is_fetched_again(tmp_path: Path) -> None:
    bin_dir = tmp_path / "tools" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "helm").write_bytes(b"#!/bin/sh\necho not helm\n")
    fetch(["helm"], bin_dir)
    assert sha256((bin_dir / "helm").read_bytes()) == BINARIES["helm"][1]
    assert os.access(bin_dir / "helm", os.X_OK)
