"""Run argodiff the ways a user does and collect every output it writes.

Runs are in-process (so `responses` answers PyGithub, and the suite stays fast), with output
captured at the file-descriptor level, except where a step log's pipe matters; the Argo CD
simulator is real HTTP on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from argodiff.cli import main
from argodiff.command import run
from tests.actions_step import StepFiles
from tests.fixture_repo import REPO_URL, GitRepo
from tests.github.conftest import NUMBER, FakeGitHub
from tests.security.canaries import GITHUB_TOKEN
from tests.security.gitops import REPOSITORY

# Variables a developer's shell might hold that would change what argodiff connects to.
_CONNECTION_VARS = ("ARGOCD_", "CF_ACCESS_", "GITHUB_", "INPUT_", "RUNNER_")


@dataclass(frozen=True)
class Fixture:
    """A GitOps repository and its two commits: the PR base (what the cluster runs) and head."""

    repo: GitRepo
    base: str
    pr: str


@dataclass
class Outputs:
    """Everything one run wrote, by name."""

    code: int
    texts: dict[str, str] = field(default_factory=dict)

    @property
    def stdout(self) -> str:
        return self.texts["stdout"]

    @property
    def stderr(self) -> str:
        return self.texts["stderr"]

    def json(self, name: str = "stdout") -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.texts[name])
        return data

    def comments(self) -> list[str]:
        return [text for name, text in self.texts.items() if name.startswith("comment ")]


def run_piped(argv: list[str], *, cwd: Path, env: dict[str, str]) -> Outputs:
    """`argodiff ARGV...` as its own process writing to pipes, as the runner starts a step
    (argodiff tells a pipe, which the runner reads, from a file it was redirected to)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(_CONNECTION_VARS)}
    proc = subprocess.run(
        [sys.executable, "-m", "argodiff", *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=clean | {"NO_COLOR": "1"} | env,
        timeout=120,
        check=False,
    )
    return Outputs(proc.returncode, {"stdout": proc.stdout, "stderr": proc.stderr})


def checkout(fixture: Fixture, where: Path) -> Path:
    """A clone at the PR head, origin at the repository's GitHub URL (as actions/checkout)."""
    run(["git", "clone", "-q", str(fixture.repo.path), str(where)])
    run(["git", "-C", str(where), "remote", "set-url", "origin", REPO_URL])
    run(["git", "-C", str(where), "checkout", "-q", "--detach", fixture.pr])
    return where


def pr_event(fixture: Fixture) -> dict[str, Any]:
    side = {"repo": {"full_name": REPOSITORY, "clone_url": REPO_URL}}
    pull = {
        "number": NUMBER,
        "head": {"sha": fixture.pr, "ref": "rotate", **side},
        "base": {"sha": fixture.base, "ref": "main", **side},
    }
    return {"action": "synchronize", "number": NUMBER, "pull_request": pull}


@dataclass
class Cli:
    """Runs `argodiff` in-process with a given environment and working directory, collecting
    stdout and stderr at the file-descriptor level, the files it was told to write, and every
    comment body sent to the mocked GitHub."""

    home: Path
    github: FakeGitHub
    monkeypatch: pytest.MonkeyPatch
    capfd: pytest.CaptureFixture[str]

    def run(
        self,
        argv: list[str],
        *,
        cwd: Path,
        env: dict[str, str] | None = None,
        files: dict[str, Path] | None = None,
    ) -> Outputs:
        mp = self.monkeypatch
        for key in [k for k in os.environ if k.startswith(_CONNECTION_VARS)]:
            mp.delenv(key)
        # No waiting between retries: the error paths retry, and time is not what they check.
        base = {"ARGODIFF_RETRY_BACKOFF": "0", "NO_COLOR": "1", "HOME": str(self.home)}
        for key, value in (base | (env or {})).items():
            mp.setenv(key, value)
        mp.chdir(cwd)
        mp.setattr(sys, "argv", ["argodiff", *argv])
        self.capfd.readouterr()
        seen = len(self.github.rsps.calls)
        crash = ""
        try:
            main()
            code: int | str | None = 0
        except SystemExit as exit_info:
            code = exit_info.code
        except Exception:
            crash, code = traceback.format_exc(), 1
        captured = self.capfd.readouterr()
        texts = {"stdout": captured.out, "stderr": captured.err + crash}
        texts |= {name: path.read_text(encoding="utf-8") for name, path in (files or {}).items()}
        for n, call in enumerate(list(self.github.rsps.calls)[seen:]):
            request = call.request
            if request.method in ("POST", "PATCH") and request.body:
                body = json.loads(request.body)["body"]
                texts[f"comment {n} ({request.method} {request.url})"] = body
        return Outputs(code if isinstance(code, int) else 1, texts)


@dataclass
class PrJob:
    """`argodiff pr` (or `report --post`) as a workflow step runs it: the action inputs as
    INPUT_* variables (hyphens kept), the GITHUB_* variables and file commands, the workspace
    as working directory."""

    fixture: Fixture
    workspace: Path
    cli: Cli

    def run(
        self, argv: list[str], inputs: dict[str, str] | None = None, *, fresh: bool = True
    ) -> Outputs:
        """`argodiff ARGV...` in the step's environment: the action's container with `inputs`,
        or without them a `run:` step (which gets the token as GITHUB_TOKEN)."""
        step = StepFiles.create(self.cli.home, pr_event(self.fixture))
        files = {"step summary": step.summary, "step outputs": step.output}
        results = self.workspace / "argodiff-results.json"
        if fresh:  # else: whatever the checkout holds at that path stays (a PR's symlink)
            results.unlink(missing_ok=True)
        env = step.environ(
            event_name="pull_request",
            repository=REPOSITORY,
            sha=self.fixture.pr,
            workspace=self.workspace,
        )
        if inputs is None:
            env["GITHUB_TOKEN"] = GITHUB_TOKEN
        else:
            inputs = {"github-token": GITHUB_TOKEN, "instance": "lolice"} | inputs
            env |= {f"INPUT_{name.upper()}": value for name, value in inputs.items()}
        out = self.cli.run(argv, cwd=self.workspace, env=env, files=files)
        if results.is_file() and not results.is_symlink():
            out.texts["results file"] = results.read_text(encoding="utf-8")
        return out

    def saved_results(self) -> Path:
        """A copy of the last run's results file, out of the next run's way."""
        saved = self.cli.home / "saved-results.json"
        shutil.copyfile(self.workspace / "argodiff-results.json", saved)
        return saved
