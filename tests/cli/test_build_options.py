"""Argo CD's kustomize.buildOptions in local renders: from Argo CD's settings (`--local`),
from `--kustomize-build-options`, or offline from the repository's own argocd-cm; refused
options are named and never reach kustomize."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest

from tests.fixture_repo import GitRepo, application, kustomization
from tests.simulator import Simulator

ARGOCD_CM = textwrap.dedent(
    """\
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: argocd-cm
    data:
      kustomize.buildOptions: --enable-helm --load-restrictor LoadRestrictionsNone
    """
)
CHART_CM = textwrap.dedent(
    """\
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: inflated
    data:
      kube: "{{ .Capabilities.KubeVersion.Version }}"
    """
)
NEEDS_HELM = "must specify --enable-helm"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    repo = GitRepo.init(tmp_path_factory.mktemp("buildopts") / "repo")
    repo.commit(
        {
            "argoproj/argocd/application.yaml": application("argocd", "argocd"),
            "argoproj/argocd/overlays/prod/kustomization.yaml": kustomization("argocd-cm.yaml"),
            "argoproj/argocd/overlays/prod/argocd-cm.yaml": ARGOCD_CM,
            "argoproj/inflated/application.yaml": application("inflated", "inflated"),
            "argoproj/inflated/overlays/prod/kustomization.yaml": (
                "helmCharts:\n  - name: mychart\n    releaseName: r\n"
            ),
            "argoproj/inflated/overlays/prod/charts/mychart/Chart.yaml": (
                "apiVersion: v2\nname: mychart\nversion: 1.0.0\n"
            ),
            "argoproj/inflated/overlays/prod/charts/mychart/templates/cm.yaml": CHART_CM,
        },
        "argocd-cm with build options, a kustomization that inflates a chart",
    )
    return repo


def argodiff(repo: GitRepo, *args: str) -> tuple[int, dict[str, Any], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARGOCD_", "GITHUB_"))}
    proc = subprocess.run(
        [sys.executable, "-m", "argodiff", *args, "-o", "json"],
        cwd=repo.path,
        env={**env, "NO_COLOR": "1", "ARGODIFF_RETRY_BACKOFF": "0"},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    return proc.returncode, json.loads(proc.stdout) if proc.stdout else {}, proc.stderr


def inflated(doc: dict[str, Any]) -> dict[str, Any]:
    found: list[dict[str, Any]] = [a for a in doc["apps"] if a["name"] == "inflated"]
    assert len(found) == 1
    return found[0]


def test_offline_reads_the_repositorys_argocd_cm(repo: GitRepo) -> None:
    code, doc, err = argodiff(repo, "app", "inflated", "--base", "HEAD")
    assert code in (0, 2), err
    notices = "\n".join(doc["notices"])
    assert "kustomize build options from the argocd-cm of app argocd" in notices
    assert "--enable-helm" in notices
    # Reading outside the kustomization root is never passed on, and the notice says so.
    assert "NOT applied" in notices and "--load-restrictor LoadRestrictionsNone" in notices
    # kustomize was asked to inflate the chart (with helm 3 it renders; a newer helm that
    # kustomize cannot drive fails later), never refused for want of --enable-helm.
    assert NEEDS_HELM not in (inflated(doc)["error"] or "")


def test_explicit_options_win_and_empty_means_none(repo: GitRepo) -> None:
    code, doc, err = argodiff(
        repo, "app", "inflated", "--base", "HEAD", "--kustomize-build-options", ""
    )
    assert code == 2, err
    assert NEEDS_HELM in inflated(doc)["error"]
    assert not [n for n in doc["notices"] if "argocd-cm" in n]


def test_refused_flag_on_the_command_line_is_an_error(repo: GitRepo) -> None:
    code, _, err = argodiff(
        repo, "app", "inflated", "--base", "HEAD", "--kustomize-build-options", "--enable-exec"
    )
    assert code == 2
    assert "argodiff: error: --kustomize-build-options: not allowed: --enable-exec" in err


@pytest.fixture
def sim(repo: GitRepo) -> Iterator[Simulator]:
    with Simulator(repo.path, synced=repo.git("rev-parse", "HEAD")) as sim:
        yield sim


def test_local_uses_argo_cds_settings(repo: GitRepo, sim: Simulator) -> None:
    args = ("app", "inflated", "--local", "--server", sim.url, "--auth-token", sim.token)
    code, doc, err = argodiff(repo, *args)
    assert code == 2 and NEEDS_HELM in (inflated(doc)["error"] or ""), err
    sim.settings.kustomize_build_options = "--enable-helm"
    sim.sync_render_options()
    _, doc, err = argodiff(repo, *args)
    assert NEEDS_HELM not in (inflated(doc)["error"] or ""), err
    if inflated(doc)["error"] is None:
        # helm 3: the chart rendered, told the cluster's version as Argo CD tells it.
        assert inflated(doc)["status"] == "unchanged"


def test_refused_settings_are_noticed_only_when_argodiff_renders(
    repo: GitRepo, sim: Simulator
) -> None:
    sim.settings.kustomize_build_options = "--enable-helm --enable-exec"
    connection = ("--server", sim.url, "--auth-token", sim.token)
    _, by_argocd, err = argodiff(repo, "app", "argocd", "--revision", "HEAD", *connection)
    assert not [n for n in by_argocd["notices"] if "NOT applied" in n], err
    _, local, err = argodiff(repo, "app", "argocd", "--local", *connection)
    (notice,) = [n for n in local["notices"] if "NOT applied" in n]
    assert "Argo CD's settings" in notice and "--enable-exec" in notice
