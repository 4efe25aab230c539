"""The build environment of a local render: `$ARGOCD_APP_REVISION` is the commit rendered
(never empty when it is known, the working tree included) and `$KUBE_VERSION` /
`$KUBE_API_VERSIONS` are the cluster's, as the repo-server sets them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.fixture_repo import REPO_URL, GitRepo

APP = textwrap.dedent(
    f"""\
    apiVersion: argoproj.io/v1alpha1
    kind: Application
    metadata:
      name: env
      namespace: argocd
    spec:
      project: default
      source:
        repoURL: {REPO_URL}
        targetRevision: HEAD
        path: charts/env
        helm:
          parameters:
            - {{name: rev, value: $ARGOCD_APP_REVISION}}
            - {{name: kube, value: $KUBE_VERSION}}
            - {{name: apis, value: $KUBE_API_VERSIONS}}
      destination:
        server: https://kubernetes.default.svc
        namespace: env
    """
)
TEMPLATE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: env
data:
  rev: "{{ .Values.rev }}"
  kube: "{{ .Values.kube }}"
  apis: "{{ .Values.apis }}"
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    repo = GitRepo.init(tmp_path_factory.mktemp("buildenv") / "repo")
    repo.commit({"README.md": "empty\n"}, "start")
    repo.commit(
        {
            "argoproj/env.yaml": APP,
            "charts/env/Chart.yaml": "apiVersion: v2\nname: env\nversion: 1.0.0\n",
            "charts/env/templates/cm.yaml": TEMPLATE,
        },
        "an app that shows its build environment",
    )
    return repo


def added_data(repo: GitRepo, tmp_path: Path, *args: str) -> dict[str, Any]:
    caps = tmp_path / "caps.yaml"
    caps.write_text("kubeVersion: v1.32.3\napiVersions: [v1, apps/v1]\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARGOCD_", "GITHUB_"))}
    command = [sys.executable, "-m", "argodiff", "app", "env", *args]
    proc = subprocess.run(
        [*command, "--capabilities", str(caps), "-o", "json"],
        cwd=repo.path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    (app,) = json.loads(proc.stdout)["apps"]
    (res,) = app["resources"]
    data = {}
    for line in res["diff"].splitlines():
        for key in ("rev", "kube", "apis"):
            if line.strip().startswith(f"+  {key}:") or line.lstrip("+ ").startswith(f"{key}:"):
                data[key] = line.split(":", 1)[1].strip()
    return data


@pytest.mark.parametrize("head", [("--head", "HEAD"), ()], ids=["commit", "working-tree"])
def test_revision_and_cluster_in_the_build_env(
    repo: GitRepo, tmp_path: Path, head: tuple[str, ...]
) -> None:
    data = added_data(repo, tmp_path, "--base", "HEAD~1", *head)
    assert data == {
        "rev": repo.git("rev-parse", "HEAD"),
        "kube": "1.32.3",
        # Helm reads an unescaped comma in --set as a separator; Argo CD escapes it.
        "apis": "apps/v1,v1",
    }
