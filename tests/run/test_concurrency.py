"""`--concurrency` is how many apps are diffed at once, in every mode: measured on the renders
a real `argodiff pr --mode offline` starts, through a `kustomize` that logs when it runs."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from argodiff.cli import cli
from tests.fixture_repo import CONFIGMAP, GitRepo, application, kustomization

APPS = [f"app{i}" for i in range(6)]
RENDER_SECONDS = 0.3


def _files() -> dict[str, str]:
    files = {}
    for name in APPS:
        files[f"argoproj/{name}/application.yaml"] = application(name, name)
        files[f"argoproj/{name}/overlays/prod/kustomization.yaml"] = kustomization("cm.yaml")
        files[f"argoproj/{name}/overlays/prod/cm.yaml"] = CONFIGMAP.replace("web-config", name)
    return files


@pytest.fixture
def logging_kustomize(tmp_path: Path) -> Iterator[Path]:
    """A `kustomize` first on PATH that logs the start and end of each build (nanoseconds) and
    takes at least RENDER_SECONDS, then builds with kubectl's kustomize."""
    # Renders run as uid 65534 under root: the shim and its log must be reachable by it,
    # which pytest's private tmp_path is not.
    top = Path(tempfile.mkdtemp(prefix="argodiff-shim-"))
    top.chmod(0o755)
    bin_dir, log = top / "bin", top / "renders.log"
    bin_dir.mkdir(mode=0o755)
    log.touch(mode=0o666)
    log.chmod(0o666)
    shim = bin_dir / "kustomize"
    shim.write_text(
        "#!/bin/sh\n"
        f'echo "start $(date +%s%N)" >> {log}\n'
        f"sleep {RENDER_SECONDS}\n"
        '[ "$1" = build ] && shift\n'
        'kubectl kustomize "$@"; rc=$?\n'
        f'echo "end $(date +%s%N)" >> {log}\n'
        "exit $rc\n",
        encoding="utf-8",
    )
    shim.chmod(0o755)
    yield log
    shutil.rmtree(top, ignore_errors=True)


def _most_at_once(log: Path) -> int:
    events = sorted(
        (int(stamp), 1 if kind == "start" else -1)
        for kind, stamp in (line.split() for line in log.read_text().splitlines())
    )
    running = most = 0
    for _, step in events:
        running += step
        most = max(most, running)
    return most


@pytest.mark.parametrize("concurrency", [3, 5])
def test_pr_offline_honours_concurrency(
    tmp_path: Path, logging_kustomize: Path, concurrency: int
) -> None:
    repo = GitRepo.init(tmp_path / "repo")
    repo.commit(_files(), "six apps")
    env = {
        "PATH": f"{logging_kustomize.parent / 'bin'}:{os.environ['PATH']}",
        "GITHUB_WORKSPACE": str(repo.path),
        "GITHUB_ACTIONS": "",
        "GITHUB_EVENT_NAME": "",
        "GITHUB_EVENT_PATH": "",
    }
    args = ["pr", "--mode", "offline", "--concurrency", str(concurrency), "--apps", "all"]
    result = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    progress = [line for line in result.output.splitlines() if line.startswith("[")]
    assert sorted(line.split()[1] for line in progress) == [f"{name}:" for name in APPS]
    # Each app renders its base and its head: 12 builds, `concurrency` at a time.
    assert len(logging_kustomize.read_text().splitlines()) == 2 * 2 * len(APPS)
    assert _most_at_once(logging_kustomize) == concurrency
