"""What argodiff writes never goes through a link the PR committed."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from argodiff.github.runner import Actions
from argodiff.safewrite import UnsafePath
from tests.github.conftest import FakeGitHub
from tests.security.canaries import ARGOCD_TOKEN
from tests.security.harness import Cli, PrJob, checkout
from tests.security.hostile import build, leaks, outside_dir
from tests.security.leaks import action_inputs
from tests.simulator import Simulator

pytestmark = pytest.mark.e2e


def test_the_results_file_is_never_written_through_a_link(
    cli: Cli, github: FakeGitHub, tmp_path: Path
) -> None:
    outside = outside_dir()
    victim = outside / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    h = build(
        tmp_path / "repo",
        {},
        {"argodiff-results.json": str(victim)},
        outside=outside,
    )
    github.head_sha = h.pr
    github.files = [{"filename": "argoproj/good/overlays/prod/settings.yaml"}]
    with Simulator(h.repo.path, synced=h.base, token=ARGOCD_TOKEN) as sim:
        job = PrJob(h, checkout(h, tmp_path / "ws"), cli)
        out = job.run(["pr"], action_inputs(sim.url, "revision"), fresh=False)
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    results = job.workspace / "argodiff-results.json"
    assert results.is_file() and not results.is_symlink()
    assert '"good"' in results.read_text(encoding="utf-8")
    assert out.code == 2
    assert "symbolic link at the results file" in out.texts["step summary"]
    assert leaks(out) == []


def test_step_files_are_never_written_through_a_link(tmp_path: Path) -> None:
    """GITHUB_STEP_SUMMARY and GITHUB_OUTPUT: appended to with O_NOFOLLOW."""
    victim = tmp_path / "victim"
    victim.write_text("keep me\n", encoding="utf-8")
    (tmp_path / "summary").symlink_to(victim)
    (tmp_path / "output").symlink_to(victim)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    log = io.StringIO()
    actions = Actions(log, output_path=tmp_path / "output", summary_path=tmp_path / "summary")
    with pytest.raises(UnsafePath, match="symbolic link"):
        actions.append_summary("x")
    with pytest.raises(UnsafePath, match="symbolic link"):
        actions.set_output("a", "b")
    with pytest.raises(UnsafePath):
        Actions(log, summary_path=fifo).append_summary("x")
    assert victim.read_text(encoding="utf-8") == "keep me\n"
