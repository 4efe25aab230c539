"""Local renders follow the repo-server: `.argocd-source*.yaml` write-backs and the cluster's
capabilities, through the real CLI (offline, `pr --mode offline`, `--local` against the
simulator), and the simulator renders exactly what a local render gives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from argodiff.discover.applications import discover_applications
from argodiff.render import Renderer, RenderOptions
from argodiff.render.capabilities import Capabilities, FixedCapabilities
from argodiff.repo.identity import RepoIdentity
from tests.cli.local_render_repo import CAPABILITIES, base, pull_request
from tests.fixture_repo import GitRepo
from tests.simulator import FaultKind, Simulator

needs_helm = pytest.mark.skipif(
    subprocess.run(["which", "helm"], capture_output=True, check=False).returncode != 0,
    reason="helm is not installed",
)
pytestmark = needs_helm


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    repo = GitRepo.init(tmp_path_factory.mktemp("fidelity") / "repo")
    repo.commit(base(), "apps")
    repo.commit(pull_request(), "image write-backs, a monitored chart")
    return repo


def argodiff(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("ARGOCD_", "INPUT_", "GITHUB_"))
    }
    clean.update({"NO_COLOR": "1", "ARGODIFF_RETRY_BACKOFF": "0", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "argodiff", *args],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def apps_of(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["name"]: a for a in doc["apps"]}


def image_change(app: dict[str, Any], kind: str = "Deployment") -> tuple[str, str]:
    """(old image, new image) in the diff of the app's one `kind`, which must be modified."""
    (res,) = [r for r in app["resources"] if r["kind"] == kind]
    assert res["change"] == "modified", res
    old = [
        ln.split("image:")[1].strip()
        for ln in res["diff"].splitlines()
        if ln.startswith("-") and "image:" in ln
    ]
    new = [
        ln.split("image:")[1].strip()
        for ln in res["diff"].splitlines()
        if ln.startswith("+") and "image:" in ln
    ]
    assert len(old) == len(new) == 1, res["diff"]
    return old[0], new[0]


def check_pull_request(doc: dict[str, Any]) -> None:
    apps = apps_of(doc)
    assert image_change(apps["web"]) == ("nginx:1.27", "nginx:1.29")
    # The app's own file wins over `.argocd-source.yaml`; its `path:` is ignored.
    assert image_change(apps["chart"]) == ("nginx:1.27", "nginx:1.29")
    # team-a/svc reads `.argocd-source-team-a_svc.yaml`, not `.argocd-source-svc.yaml`.
    assert image_change(apps["svc"]) == ("ghcr.io/example/svc:1.0.0", "ghcr.io/example/svc:2.0.0")


def test_offline_diff_shows_pull_request(repo: GitRepo) -> None:
    proc = argodiff(
        repo.path, "app", "web", "chart", "svc", "--base", "HEAD~1", "--head", "HEAD", "-o", "json"
    )
    assert proc.returncode == 1, proc.stderr
    check_pull_request(json.loads(proc.stdout))


def test_affected_and_pr_offline_show_pull_request(repo: GitRepo, tmp_path: Path) -> None:
    head = repo.git("rev-parse", "HEAD")
    base_sha = repo.git("rev-parse", "HEAD~1")
    event = tmp_path / "event.json"
    pull = {
        "number": 7,
        "head": {"sha": head, "repo": {"full_name": "example/lolice"}},
        "base": {"sha": base_sha, "repo": {"full_name": "example/lolice"}},
    }
    event.write_text(json.dumps({"number": 7, "pull_request": pull}))
    results = tmp_path / "results.json"
    proc = argodiff(
        repo.path,
        "pr",
        "--mode",
        "offline",
        "--dry-run",
        "--results-file",
        str(results),
        env={
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_REPOSITORY": "example/lolice",
            "GITHUB_WORKSPACE": str(repo.path),
        },
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = json.loads(results.read_text())
    assert sorted(apps_of(doc)) == ["chart", "monitored", "svc", "web"]
    check_pull_request(doc)


def test_override_that_does_not_parse_is_that_apps_error(repo: GitRepo) -> None:
    broken = repo.path / "charts/chart/.argocd-source.yaml"
    original = broken.read_text()
    broken.write_text("helm: [unclosed\n")
    try:
        proc = argodiff(repo.path, "app", "chart", "web", "--base", "HEAD", "-o", "json")
    finally:
        broken.write_text(original)
    assert proc.returncode == 2, proc.stderr
    apps = apps_of(json.loads(proc.stdout))
    assert apps["chart"]["status"] == "error"
    assert "charts/chart/.argocd-source.yaml" in apps["chart"]["error"]
    assert "invalid YAML" in apps["chart"]["error"]
    assert apps["web"]["status"] == "unchanged"
    assert "Traceback" not in proc.stderr


def _added_kinds(doc: dict[str, Any], app: str) -> set[str]:
    return {r["kind"] for r in apps_of(doc)[app]["resources"] if r["change"] == "added"}


def test_capabilities_file_renders_guarded_objects(repo: GitRepo, tmp_path: Path) -> None:
    caps = tmp_path / "caps.yaml"
    caps.write_text(CAPABILITIES)
    # `monitored` is new in the PR: every object it renders is added.
    span = ("--base", "HEAD~1", "--head", "HEAD", "-o", "json")
    with_caps = argodiff(repo.path, "app", "monitored", *span, "--capabilities", str(caps))
    blind = argodiff(repo.path, "app", "monitored", *span)
    assert with_caps.returncode == 1, with_caps.stderr
    assert blind.returncode == 1, blind.stderr
    assert _added_kinds(json.loads(with_caps.stdout), "monitored") == {
        "Deployment",
        "ServiceMonitor",
    }
    assert _added_kinds(json.loads(blind.stdout), "monitored") == {"Deployment"}
    notice = [n for n in json.loads(blind.stdout)["notices"] if ".Capabilities" in n]
    assert len(notice) == 1 and "charts/monitored" in notice[0]
    assert not [n for n in json.loads(with_caps.stdout)["notices"] if ".Capabilities" in n]


def test_committed_capabilities_file_is_the_default(repo: GitRepo) -> None:
    default = repo.path / ".argodiff" / "capabilities.yaml"
    default.parent.mkdir()
    default.write_text(CAPABILITIES)
    try:
        proc = argodiff(repo.path, "app", "monitored", "--base", "HEAD~1", "-o", "json")
    finally:
        default.unlink()
        default.parent.rmdir()
    assert proc.returncode == 1, proc.stderr
    assert "ServiceMonitor" in _added_kinds(json.loads(proc.stdout), "monitored")


@pytest.fixture(scope="module")
def sim(repo: GitRepo) -> Iterator[Simulator]:
    with Simulator(repo.path, synced=repo.git("rev-parse", "HEAD")) as sim:
        yield sim


def test_local_against_simulator_uses_the_clusters_capabilities(
    repo: GitRepo, sim: Simulator
) -> None:
    proc = argodiff(
        repo.path,
        "app",
        "monitored",
        "chart",
        "--local",
        "--server",
        sim.url,
        "--auth-token",
        sim.token,
        "-o",
        "json",
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    apps = apps_of(json.loads(proc.stdout))
    assert apps["monitored"]["status"] == "unchanged"
    assert apps["chart"]["status"] == "unchanged"
    assert sim.log.count("cluster") == 1  # once per cluster per run
    live = sim.cluster.manifests(sim.cluster.apps()["monitored"])
    assert "ServiceMonitor" in {o["kind"] for o in live}


def _untracked(objs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for obj in objs:
        annotations = obj.get("metadata", {}).get("annotations") or {}
        annotations.pop("argocd.argoproj.io/tracking-id", None)
        if not annotations:
            obj["metadata"].pop("annotations", None)
    return sorted(objs, key=lambda o: (o["kind"], o["metadata"]["name"]))


def test_simulator_and_local_render_agree(repo: GitRepo, sim: Simulator) -> None:
    info = sim.clusters[0]
    caps = Capabilities(f"v{info.server_version}", info.api_versions)
    options = RenderOptions(capabilities=FixedCapabilities(caps))
    apps = {a.name: a for a in discover_applications(repo.path, "argoproj").apps}
    with Renderer(
        repo.path,
        identity=RepoIdentity(urls=()),
        options=options,
        revision=repo.git("rev-parse", "HEAD"),
    ) as renderer:
        for name in ("web", "chart", "svc", "monitored"):
            local = renderer.render(apps[name])
            served = sim.cluster.manifests(sim.cluster.apps()[name])
            assert _untracked(served) == _untracked(local), name


def test_capabilities_command_writes_a_file_offline_runs_use(
    repo: GitRepo, sim: Simulator, tmp_path: Path
) -> None:
    out = tmp_path / "caps.yaml"
    wrote = argodiff(
        repo.path, "capabilities", "--server", sim.url, "--auth-token", sim.token, "-o", str(out)
    )
    assert wrote.returncode == 0, wrote.stderr
    assert "monitoring.coreos.com/v1/ServiceMonitor" in out.read_text()
    assert "kubeVersion: '1.32'" in out.read_text()
    span = ("--base", "HEAD~1", "--head", "HEAD", "-o", "json")
    used = argodiff(repo.path, "app", "monitored", *span, "--capabilities", str(out))
    assert used.returncode == 1, used.stderr
    assert "ServiceMonitor" in _added_kinds(json.loads(used.stdout), "monitored")


def test_unknown_cluster_is_one_clear_line(repo: GitRepo, sim: Simulator) -> None:
    proc = argodiff(
        repo.path,
        "capabilities",
        "--server",
        sim.url,
        "--auth-token",
        sim.token,
        "--cluster",
        "https://elsewhere.example",
    )
    assert proc.returncode == 2
    (error,) = [ln for ln in proc.stderr.splitlines() if ln.startswith("argodiff: error: ")]
    assert "cannot read cluster https://elsewhere.example" in error
    assert "permission denied" in error and "clusters, get" in error
    assert "Traceback" not in proc.stderr


def test_local_without_the_clusters_capabilities_says_so(repo: GitRepo, sim: Simulator) -> None:
    # Argo CD refuses the clusters endpoint (an account without `clusters, get`): the render is
    # blind, the guarded ServiceMonitor shows as removed, and the run says why, once.
    sim.fault(FaultKind.ERROR, route="cluster", status=403, code=7, message="permission denied")
    try:
        proc = argodiff(
            repo.path,
            "app",
            "monitored",
            "--local",
            "--server",
            sim.url,
            "--auth-token",
            sim.token,
            "-o",
            "json",
        )
    finally:
        sim.reset()
    assert proc.returncode == 1, proc.stdout + proc.stderr
    doc = json.loads(proc.stdout)
    (app,) = doc["apps"]
    assert {(r["change"], r["kind"]) for r in app["resources"]} == {("removed", "ServiceMonitor")}
    notices = doc["notices"]
    assert any("could not read the capabilities of cluster" in n for n in notices)
    assert len([n for n in notices if ".Capabilities" in n and "charts/monitored" in n]) == 1
