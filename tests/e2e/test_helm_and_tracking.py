"""Other shapes of app end to end: a Helm chart kept in the repository, and label tracking."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.cli import run_cli
from tests.fixture_repo import REPO_URL, GitRepo, base_files
from tests.simulator import Simulator

pytestmark = pytest.mark.e2e

CHART_APP = f"""\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: chart
  namespace: argocd
spec:
  project: default
  source:
    repoURL: {REPO_URL}
    targetRevision: HEAD
    path: charts/chart
    helm:
      valueFiles: [values-prod.yaml]
  destination:
    server: https://kubernetes.default.svc
    namespace: chart
"""
CHART = {
    "argoproj/chart.yaml": CHART_APP,
    "charts/chart/Chart.yaml": "apiVersion: v2\nname: chart\nversion: 1.0.0\n",
    "charts/chart/values.yaml": "replicas: 1\nimage: nginx:1.27\n",
    "charts/chart/values-prod.yaml": "replicas: 2\n",
    "charts/chart/templates/deployment.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels:
    app.kubernetes.io/managed-by: {{ .Release.Service }}
    helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}}
    spec:
      containers:
        - name: app
          image: {{ .Values.image }}
""",
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    return GitRepo.init(tmp_path_factory.mktemp("helm") / "repo")


@pytest.fixture(scope="module")
def revisions(repo: GitRepo) -> tuple[str, str]:
    synced = repo.commit({**base_files(), **CHART}, "apps and a chart")
    pr = repo.commit({"charts/chart/values-prod.yaml": "replicas: 4\n"}, "chart: 4 replicas")
    return synced, pr


@pytest.fixture(scope="module")
def helm_sim(repo: GitRepo, revisions: tuple[str, str]) -> Iterator[Simulator]:
    with Simulator(repo.path, synced=revisions[0]) as sim:
        yield sim


def test_helm_chart_app(helm_sim: Simulator, repo: GitRepo, revisions: tuple[str, str]) -> None:
    synced, pr = revisions
    unchanged = run_cli(helm_sim, "chart", revision=synced, cwd=repo.path)
    assert unchanged.code == 0, unchanged.stderr
    assert unchanged.app("chart")["status"] == "unchanged"
    changed = run_cli(helm_sim, "chart", revision=pr, cwd=repo.path)
    assert changed.code == 1, changed.stderr
    assert changed.changes("chart") == {("modified", "Deployment", "chart")}
    assert changed.app("chart")["resources"][0]["paths"] == ["spec.replicas"]


def test_label_tracking(helm_sim: Simulator, repo: GitRepo, revisions: tuple[str, str]) -> None:
    helm_sim.set_tracking("label")
    try:
        run = run_cli(helm_sim, "web", "db", "infra", revision=revisions[0], cwd=repo.path)
    finally:
        helm_sim.reset()
    assert run.code == 0, run.stderr
    assert {a["status"] for a in run.result["apps"]} == {"unchanged"}
