"""Fixture repositories built in tmp_path, and a Helm chart repository served on 127.0.0.1."""

from __future__ import annotations

import contextlib
import functools
import http.server
import textwrap
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from argodiff import command
from argodiff.application import application_from_manifest
from argodiff.model import Application
from argodiff.render import Renderer
from argodiff.repo.identity import RepoIdentity

REPO_URL = "https://github.com/example/lolice.git"


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def configmap(name: str, **data: str) -> str:
    lines = "".join(f"\n  {k}: {v!r}" for k, v in data.items())
    body = f"\ndata:{lines}" if data else ""
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}{body}\n"


def application(name: str, *sources: dict[str, Any], namespace: str = "apps") -> Application:
    """An Application as a file in the repository would define it (one source, or several)."""
    spec: dict[str, Any] = {
        "project": "default",
        "destination": {"server": "https://kubernetes.default.svc", "namespace": namespace},
    }
    if len(sources) == 1:
        spec["source"] = {"repoURL": REPO_URL, **sources[0]}
    else:
        spec["sources"] = [{"repoURL": REPO_URL, **s} for s in sources]
    obj = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": name, "namespace": "argocd"},
        "spec": spec,
    }
    return application_from_manifest(obj, file=f"argoproj/{name}/application.yaml")


def by_name(manifests: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f"{m['kind']}/{m['metadata']['name']}": m for m in manifests}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    return root


def make_renderer(repo: Path) -> Renderer:
    """A Renderer over `repo`, which is known by REPO_URL."""
    identity = RepoIdentity.of_checkout(repo, remote_urls=[REPO_URL])
    return Renderer(repo, identity=identity, timeout=60)


@pytest.fixture
def renderer(repo: Path, tmp_path: Path) -> Iterator[Renderer]:
    with make_renderer(repo) as r:
        yield r


def require_helm() -> str:
    path = command.which("helm")
    if not path:
        # tests/tools.py fetches helm when it is not on PATH; the `tools:` line at the top of
        # the run says why it could not.
        pytest.skip("helm is not on PATH and tests/tools.py could not provide it")
    return path


@pytest.fixture(scope="session")
def helm_bin() -> str:
    return require_helm()


def make_chart(root: Path, name: str, version: str = "0.1.0") -> Path:
    """A small chart: a ConfigMap from values, a CRD, a test hook, a required schema-free value."""
    chart = root / name
    write(chart, "Chart.yaml", f"apiVersion: v2\nname: {name}\nversion: {version}\n")
    write(chart, "values.yaml", "greeting: hello\nreplicas: 1\nlist: []\n")
    write(
        chart,
        "templates/configmap.yaml",
        """\
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {{ .Release.Name }}-config
          namespace: {{ .Release.Namespace }}
        data:
          version: {{ .Chart.Version | quote }}
          greeting: {{ .Values.greeting | quote }}
          replicas: {{ .Values.replicas | quote }}
          list: {{ .Values.list | join ";" | quote }}
          {{- with .Values.extra }}
          extra: {{ . | quote }}
          {{- end }}
          {{- with .Values.file }}
          file: {{ . | quote }}
          {{- end }}
        """,
    )
    write(
        chart,
        "crds/widget.yaml",
        """\
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          names: {kind: Widget, plural: widgets}
          scope: Namespaced
          versions:
          - name: v1
            served: true
            storage: true
            schema: {openAPIV3Schema: {type: object}}
        """,
    )
    return chart


@dataclass
class ChartRepo:
    url: str
    root: Path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No request log on the test output."""


@contextlib.contextmanager
def served_chart_repo(tmp_path: Path, helm_bin: str) -> Iterator[ChartRepo]:
    """A real Helm chart repository (packaged chart + index.yaml) served on 127.0.0.1."""
    served = tmp_path / "chart-repo"
    served.mkdir()
    src = tmp_path / "chart-src"
    home = tmp_path / "helm-home"
    env = {f"HELM_{d}_HOME": str(home / d.lower()) for d in ("CACHE", "CONFIG", "DATA")}
    for version in ("0.1.0", "0.2.0"):
        chart = make_chart(src / version, "greeter", version)
        command.run([helm_bin, "package", str(chart), "--destination", str(served)], env=env)
    handler = functools.partial(_QuietHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    command.run([helm_bin, "repo", "index", str(served), "--url", url], env=env)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield ChartRepo(url, served)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def chart_repo(tmp_path_factory: pytest.TempPathFactory, helm_bin: str) -> Iterator[ChartRepo]:
    with served_chart_repo(tmp_path_factory.mktemp("helm"), helm_bin) as served:
        yield served
