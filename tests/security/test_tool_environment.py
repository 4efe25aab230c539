"""Tools argodiff starts (helm, kustomize) render what the PR says: they must not hold the
credentials a PR's chart could read and print."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from argodiff import command
from argodiff.render import Renderer
from argodiff.repo.identity import RepoIdentity
from tests.fixture_repo import GitRepo
from tests.github.conftest import FakeGitHub
from tests.security.canaries import (
    ARGOCD_TOKEN,
    CF_SECRET,
    GITHUB_TOKEN,
)
from tests.security.echo import closed_port_url
from tests.security.gitops import base_files
from tests.security.harness import Cli, Fixture, PrJob, checkout
from tests.security.leaks import action_inputs

pytestmark = pytest.mark.e2e


ENV_TEMPLATE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: environment
data:
  env: {{ .Files.Get "files/env" | splitList "" | join " " | quote }}
"""


@pytest.fixture(scope="module")
def env_reader(tmp_path_factory: pytest.TempPathFactory) -> Fixture:
    """The PR adds to the Helm chart a file that is a symlink to the process environment and
    a template that prints it, one character at a time."""
    repo = GitRepo.init(tmp_path_factory.mktemp("env-reader") / "repo")
    base = repo.commit(base_files(), "base")
    chart = repo.path / "argoproj/chart/overlays/prod"
    (chart / "files").mkdir()
    (chart / "files/env").symlink_to("/proc/self/environ")
    pr = repo.commit({"argoproj/chart/overlays/prod/templates/env.yaml": ENV_TEMPLATE}, "env")
    return Fixture(repo, base, pr)


def test_a_chart_cannot_read_the_credentials_from_the_environment(
    env_reader: Fixture, cli: Cli, github: FakeGitHub, tmp_path: Path
) -> None:
    github.head_sha = env_reader.pr
    github.files = [{"filename": "argoproj/chart/overlays/prod/templates/env.yaml"}]
    job = PrJob(env_reader, checkout(env_reader, tmp_path / "ws"), cli)
    out = job.run(["pr"], action_inputs(closed_port_url(), "offline"))
    assert out.code == 2, out.stdout + out.stderr
    error = json.loads(out.texts["results file"])["apps"][0]["error"]
    assert error == (
        "argoproj/chart/overlays/prod/files/env: symbolic link to /proc/self/environ points "
        "outside the repository: refused (Argo CD's repo-server refuses such links too)"
    )
    spaced = {" ".join(secret) for secret in (ARGOCD_TOKEN, CF_SECRET, GITHUB_TOKEN)}
    assert [(w, s) for w, text in out.texts.items() for s in spaced if s in text] == []


def test_tools_get_a_minimal_environment_and_no_privileges(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a render tool sees of the process: the sandbox's variables only, and (argodiff
    running as root, as in the action's container) the uid 65534, which cannot read PID 1's
    environment or root's files."""
    monkeypatch.setenv("ARGOCD_AUTH_TOKEN", ARGOCD_TOKEN)
    monkeypatch.setenv("INPUT_ARGOCD-AUTH-TOKEN", ARGOCD_TOKEN)
    monkeypatch.setenv("HARMLESS", "x")
    (tmp_path / "repo").mkdir()
    with Renderer(tmp_path / "repo", identity=RepoIdentity(urls=())) as renderer:
        script = "env; echo uid=$(id -u); cat /proc/1/environ /proc/$PPID/environ 2>&1; true"
        out = command.run(["sh", "-c", script], sandbox=renderer.sandbox).stdout.decode()
    names = {line.split("=", 1)[0] for line in out.splitlines() if "=" in line}
    assert ARGOCD_TOKEN not in out
    assert "HARMLESS" not in names
    assert {"PATH", "HOME", "TMPDIR"} <= names
    if os.geteuid() == 0:
        assert "uid=65534" in out
        assert "Permission denied" in out
