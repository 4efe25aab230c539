"""An unreachable kustomize remote base, Helm repository or OCI registry is one line: the app,
the file, the URL and the cause; `--verbose` keeps the tool's full output. `.invalid` hosts
never resolve (RFC 2606), so nothing here touches the network."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from argodiff.render.remote import cause, strip_klog
from tests.fixture_repo import GitRepo, application, kustomization

KLOG = (
    'E1206 05:03:56.254423   29166 run.go:72] "command failed" err=<\n'
    "\taccumulating resources: accumulation err='accumulating resources from "
    "'https://git.invalid/x//base?ref=v1': Get \"https://git.invalid/x//base?ref=v1\": dial tcp: "
    "lookup git.invalid on 10.0.0.53:53: no such host': failed to run '/usr/bin/git fetch': "
    "fatal: unable to access 'https://git.invalid/x/': Could not resolve host: git.invalid\n"
    "\t: exit status 128\n >"
)

HELM_APP = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: charts
  namespace: argocd
spec:
  project: default
  sources:
    - repoURL: https://charts.invalid/stable
      chart: thing
      targetRevision: 1.0.0
    - repoURL: oci://registry.invalid/charts
      chart: other
      targetRevision: 1.0.0
  destination:
    server: https://kubernetes.default.svc
    namespace: charts
"""


def test_klog_wrapper_and_cause() -> None:
    text = strip_klog(KLOG)
    assert not text.startswith("E1206") and "run.go" not in text
    assert text.startswith("accumulating resources:")
    assert cause(text) == "could not resolve host git.invalid"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    repo = GitRepo.init(tmp_path_factory.mktemp("remote") / "repo")
    repo.commit(
        {
            "argoproj/remote/application.yaml": application("remote", "remote"),
            "argoproj/remote/overlays/prod/kustomization.yaml": kustomization(
                "https://git.invalid/example/repo//base?ref=v1"
            ),
            "argoproj/charts.yaml": HELM_APP,
        },
        "apps with remote sources",
    )
    return repo


def _run(repo: GitRepo, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARGOCD_", "GITHUB_"))}
    return subprocess.run(
        [sys.executable, "-m", "argodiff", "app", *args, "-o", "json"],
        cwd=repo.path,
        env={**env, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_remote_base_is_one_line(repo: GitRepo) -> None:
    proc = _run(repo, "remote", "--base", "HEAD")
    assert proc.returncode == 2, proc.stderr
    (app,) = json.loads(proc.stdout)["apps"]
    assert app["error"] == (
        "argoproj/remote/overlays/prod/kustomization.yaml: kustomize remote base "
        "https://git.invalid/example/repo//base?ref=v1: could not resolve host git.invalid"
    )
    assert "verbose" not in proc.stderr


def test_verbose_keeps_the_full_tool_output(repo: GitRepo) -> None:
    proc = _run(repo, "remote", "--base", "HEAD", "--verbose")
    assert proc.returncode == 2
    assert "argodiff: verbose: " in proc.stderr
    assert "exit status" in proc.stderr or "git fetch" in proc.stderr
    assert "\n" not in json.loads(proc.stdout)["apps"][0]["error"]


def test_helm_repository_and_oci_registry_are_one_line(repo: GitRepo) -> None:
    proc = _run(repo, "charts", "--base", "HEAD")
    (app,) = json.loads(proc.stdout)["apps"]
    # Offline, an unreachable chart that is the same on both sides is left out of both, and
    # the warning carries the one-line cause.
    warnings = "\n".join(app["warnings"])
    assert (
        "chart repository https://charts.invalid/stable cannot be reached: "
        "could not resolve host charts.invalid" in warnings
    )
    assert (
        "chart repository oci://registry.invalid/charts cannot be reached: "
        "could not resolve host registry.invalid" in warnings
    )
    assert "Traceback" not in proc.stderr
