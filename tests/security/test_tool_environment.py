"""Tools argodiff starts (helm, kustomize) render what the PR says: they must not hold the
credentials a PR's chart could read and print."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from argodiff import command, sandbox
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


def test_the_namespace_maps_are_read_by_range() -> None:
    one_uid = "         0       1000          1\n"
    full = "         0          0 4294967295\n"
    split = "0 1000 1\n1 100000 65536\n"
    assert not sandbox.maps(one_uid, sandbox.RENDER_UID)
    assert sandbox.maps(full, sandbox.RENDER_UID)
    assert sandbox.maps(split, sandbox.RENDER_UID) and not sandbox.maps(split, 65537)


UNSHARE = shutil.which("unshare")


@pytest.mark.skipif(UNSHARE is None, reason="unshare (util-linux) is not installed")
def test_root_without_a_render_user_refuses_to_render(tmp_path: Path) -> None:
    """Root of a user namespace mapping only itself (a rootless container) cannot hand renders
    to an unprivileged user: argodiff says so and what to do, renders nothing, leaks nothing."""
    argv = [sys.executable, "-m", "argodiff", "demo", "-o", "json"]
    proc = subprocess.run(
        [UNSHARE or "unshare", "--user", "--map-root-user", *argv],
        cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=120,
        check=False,
        env={"PATH": os.environ["PATH"], "HOME": str(tmp_path), "ARGOCD_AUTH_TOKEN": ARGOCD_TOKEN},
    )  # fmt: skip
    if "unshare failed" in proc.stderr:
        pytest.skip(f"unshare cannot create a user namespace here: {proc.stderr.strip()}")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    (line,) = proc.stderr.strip().splitlines()[-1:]
    assert line.startswith("argodiff: error: argodiff runs as root, but this user namespace")
    assert "run argodiff as a non-root user" in line
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    assert ARGOCD_TOKEN not in proc.stdout + proc.stderr
