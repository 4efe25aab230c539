"""In a GitHub Actions step, text from a PR printed by `argodiff app` cannot act on the runner."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixture_repo import GitRepo, base_files, kustomization

HOSTILE = "::add-mask::oops\n##[set-output name=x;]y"
CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-notes
data:
  notes: |
    ::add-mask::oops
    ##[set-output name=x;]y
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    repo = GitRepo.init(tmp_path_factory.mktemp("actions-log") / "repo")
    repo.commit(base_files(), "base")
    repo.commit(
        {
            "argoproj/web/base/notes.yaml": CONFIGMAP,
            "argoproj/web/base/kustomization.yaml": kustomization(
                "deployment.yaml", "service.yaml", "configmap.yaml", "notes.yaml"
            ),
        },
        "a ConfigMap whose text looks like workflow commands",
    )
    return repo


def _argodiff(repo: GitRepo, fmt: str, stdout: int | object = subprocess.PIPE) -> str:
    env = {**os.environ, "GITHUB_ACTIONS": "true", "NO_COLOR": "1"}
    args = [sys.executable, "-m", "argodiff", "app", "web", "--base", "HEAD~1", "--head", "HEAD"]
    proc = subprocess.run(
        [*args, "-o", fmt, "--repo", str(repo.path)],
        stdout=stdout,  # type: ignore[arg-type]
        stderr=subprocess.PIPE,
        env=env,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    return proc.stdout or ""


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_report_in_the_step_log_is_inside_stop_commands(repo: GitRepo, fmt: str) -> None:
    out = _argodiff(repo, fmt)
    lines = out.splitlines()
    start = re.fullmatch(r"::stop-commands::([0-9a-f]{32})", lines[0])
    assert start, lines[0]
    assert lines[-1] == f"::{start[1]}::"
    assert "::add-mask::oops" in out  # shown, but inert


def test_report_redirected_to_a_file_is_plain(repo: GitRepo, tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    with target.open("w") as handle:
        _argodiff(repo, "markdown", stdout=handle)
    text = target.read_text()
    assert "stop-commands" not in text
    assert text.startswith("## ")


def test_json_stays_json_with_legacy_commands_escaped(repo: GitRepo) -> None:
    out = _argodiff(repo, "json")
    assert "##[" not in out
    doc = json.loads(out)
    (web,) = doc["apps"]
    notes = next(r for r in web["resources"] if r["name"] == "web-notes")
    assert "##[set-output name=x;]y" in notes["diff"]
    assert not any(line.lstrip().startswith("::") for line in out.splitlines())
