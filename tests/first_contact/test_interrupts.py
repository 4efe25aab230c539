"""Ctrl-C and SIGTERM, at any moment of a real run: one line, exit 130 or 143, no traceback,
no `Aborted!`, no process or temporary checkout left behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from argodiff.exitcodes import ExitStatus
from tests.first_contact.helpers import (
    clean_env,
    read_until,
    silent_server,
    start,
    wait_until_argodiff_runs,
)
from tests.fixture_repo import GitRepo, base_files, pr_changes

INTERRUPTED = "argodiff: interrupted (Ctrl-C)"


def assert_one_line_stop(stderr: str, line: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert "Aborted!" not in stderr, stderr
    assert stderr.splitlines()[-1] == line, stderr
    assert stderr.count(line) == 1


def test_the_exit_codes_are_named() -> None:
    assert ExitStatus.INTERRUPTED == 128 + signal.SIGINT == 130
    assert ExitStatus.TERMINATED == 128 + signal.SIGTERM == 143


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.2, 0.5, 1.0])
def test_ctrl_c_at_any_moment_of_the_demo(delay: float) -> None:
    """From argodiff's first statement, through the imports, to the renders: either it
    finished first, or it stopped cleanly."""
    proc = start("demo")
    wait_until_argodiff_runs(proc.pid)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode in (ExitStatus.INTERRUPTED, ExitStatus.NO_DIFF), stderr
    if proc.returncode == ExitStatus.INTERRUPTED:
        assert_one_line_stop(stderr, INTERRUPTED)


@pytest.mark.parametrize(
    ("sig", "code", "line"),
    [
        (signal.SIGINT, ExitStatus.INTERRUPTED, INTERRUPTED),
        (signal.SIGTERM, ExitStatus.TERMINATED, "argodiff: terminated (SIGTERM)"),
    ],
)
def test_a_signal_while_waiting_for_argo_cd(sig: signal.Signals, code: int, line: str) -> None:
    with silent_server() as address:
        proc = start("app", "root", "--server", f"http://{address}", "--auth-token", "a.b.c")
        assert proc.stderr is not None
        read_until(proc.stderr, "waiting for")
        started = time.monotonic()
        proc.send_signal(sig)
        _, rest = proc.communicate(timeout=30)
    assert proc.returncode == code
    assert time.monotonic() - started < 5  # not the 60 s request timeout
    assert_one_line_stop(rest, line)


SLOW_KUSTOMIZE = """#!/bin/sh
# A kustomize that takes its time, so the run is interrupted mid-render.
echo $$ >> "{pids}"
sleep 120
"""


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo.init(tmp_path / "repo")
    repo.commit(base_files(), "three apps")
    repo.commit(pr_changes(), "web: new image")
    return repo


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory every user can reach: as root, argodiff renders as `nobody`, which must be
    able to run the slow tool and to use the temporary directory."""
    path = Path(tempfile.mkdtemp(prefix="argodiff-interrupt-test-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_ctrl_c_mid_render_stops_the_tool_and_removes_the_checkouts(
    repo: GitRepo, shared_dir: Path
) -> None:
    bin_dir, temp, pid_dir = shared_dir / "bin", shared_dir / "tmp", shared_dir / "pids"
    for d in (bin_dir, temp, pid_dir):
        d.mkdir()
    temp.chmod(0o1777)
    pid_dir.chmod(0o777)
    pids = pid_dir / "pids"
    tool = bin_dir / "kustomize"
    tool.write_text(SLOW_KUSTOMIZE.format(pids=pids))
    tool.chmod(0o755)
    env = clean_env(PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", TMPDIR=str(temp))
    proc = start("app", "web", "db", "--base", "HEAD~1", "--head", "HEAD", cwd=repo.path, env=env)
    deadline = time.monotonic() + 60
    while not (pids.exists() and pids.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pids.exists(), f"the render never started: {proc.communicate(timeout=30)}"
    assert list(temp.glob("argodiff-*")), "the checkouts are made before rendering"
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == ExitStatus.INTERRUPTED
    assert time.monotonic() - started < 10  # the 120 s tool did not hold it
    assert_one_line_stop(stderr, INTERRUPTED)
    for pid in pids.read_text().split():
        # A signal takes effect a moment after it is sent: allow that moment, not the 120 s.
        gone = time.monotonic() + 5
        while _alive(int(pid)) and time.monotonic() < gone:
            time.sleep(0.05)
        assert not _alive(int(pid)), f"kustomize {pid} still runs"
    assert list(temp.glob("argodiff-*")) == []
    worktrees = subprocess.run(
        ["git", "worktree", "list"], cwd=repo.path, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert len(worktrees) == 1, worktrees


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return status.rpartition(")")[2].split()[0] != "Z"  # a zombie has stopped already
