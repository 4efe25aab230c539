"""Small GitOps repositories for tests, the one fixture-repository API: a directory (a real git
repository once `init`ed) that tests write files and Applications to, commit, and ask which apps a
change affects."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from argodiff.application import application_from_manifest
from argodiff.command import run
from argodiff.discover.affected import AffectedApp, affected_apps
from argodiff.model import Application, Source
from argodiff.yamlio import load_manifests

REPO_URL = "https://github.com/example/lolice.git"
OTHER_URL = "https://github.com/someone/else.git"
GIT = [
    "git",
    "-c",
    "user.name=Test",
    "-c",
    "user.email=test@example.com",
    "-c",
    "commit.gpgsign=false",
]


def application(
    name: str,
    namespace: str,
    *,
    project: str = "default",
    labels: str = "",
    path: str = "",
    annotations: str = "",
    sync_options: tuple[str, ...] = (),
    app_namespace: str = "argocd",
) -> str:
    """An Application of this repository (`path` defaults to `argoproj/<name>/overlays/prod`),
    deploying to `namespace`; the Application object itself lives in `app_namespace`."""
    label_block = f"\n          labels:\n            {labels}" if labels else ""
    label_block += f"\n          annotations:\n            {annotations}" if annotations else ""
    options = "".join(f"\n              - {o}" for o in sync_options)
    return textwrap.dedent(
        f"""\
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata:
          name: {name}
          namespace: {app_namespace}{label_block}
        spec:
          project: {project}
          source:
            repoURL: {REPO_URL}
            targetRevision: HEAD
            path: {path or f"argoproj/{name}/overlays/prod"}
          destination:
            server: https://kubernetes.default.svc
            namespace: {namespace}
          syncPolicy:
            syncOptions:
              - CreateNamespace=true{options}
        """
    )


def kustomization(*resources: str, extra: str = "") -> str:
    lines = ["apiVersion: kustomize.config.k8s.io/v1beta1", "kind: Kustomization", "resources:"]
    lines += [f"  - {r}" for r in resources]
    return "\n".join(lines) + "\n" + extra


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 80
          resources:
            requests: {cpu: 100m, memory: 64Mi}
"""

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - name: http
      port: 80
"""

CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  LOG_LEVEL: info
"""

STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: postgres:16
          envFrom:
            - secretRef: {name: db-credentials}
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests: {storage: 1Gi}
"""

SECRET = """\
apiVersion: v1
kind: Secret
metadata:
  name: db-credentials
stringData:
  POSTGRES_PASSWORD: s3cr3t-value
"""

NAMESPACE = """\
apiVersion: v1
kind: Namespace
metadata:
  name: monitoring
"""

CLUSTER_ROLE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: metrics-reader
rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [get, list]
"""


def base_files() -> dict[str, str]:
    """Three apps: `web` (Deployment, Service, ConfigMap), `db` (StatefulSet, Secret) and
    `infra` (cluster-scoped Namespace and ClusterRole)."""
    files = {
        "argoproj/web/application.yaml": application("web", "web", labels="team: frontend"),
        "argoproj/web/base/kustomization.yaml": kustomization(
            "deployment.yaml", "service.yaml", "configmap.yaml"
        ),
        "argoproj/web/base/deployment.yaml": DEPLOYMENT,
        "argoproj/web/base/service.yaml": SERVICE,
        "argoproj/web/base/configmap.yaml": CONFIGMAP,
        "argoproj/web/overlays/prod/kustomization.yaml": kustomization("../../base"),
        "argoproj/db/application.yaml": application("db", "db", project="data"),
        "argoproj/db/base/kustomization.yaml": kustomization("statefulset.yaml", "secret.yaml"),
        "argoproj/db/base/statefulset.yaml": STATEFULSET,
        "argoproj/db/base/secret.yaml": SECRET,
        "argoproj/db/overlays/prod/kustomization.yaml": kustomization("../../base"),
        "argoproj/infra/application.yaml": application("infra", "kube-system"),
        "argoproj/infra/base/kustomization.yaml": kustomization(
            "namespace.yaml", "clusterrole.yaml"
        ),
        "argoproj/infra/base/namespace.yaml": NAMESPACE,
        "argoproj/infra/base/clusterrole.yaml": CLUSTER_ROLE,
        "argoproj/infra/overlays/prod/kustomization.yaml": kustomization("../../base"),
    }
    return files


def pr_changes() -> dict[str, str | None]:
    """A PR on `web`: the Deployment changes (image, replicas), a ConfigMap is added and the
    old one removed."""
    return {
        "argoproj/web/base/deployment.yaml": DEPLOYMENT.replace("nginx:1.27", "nginx:1.28").replace(
            "replicas: 2", "replicas: 3"
        ),
        "argoproj/web/base/configmap.yaml": None,
        "argoproj/web/base/extra.yaml": CONFIGMAP.replace("web-config", "web-extra"),
        "argoproj/web/base/kustomization.yaml": kustomization(
            "deployment.yaml", "service.yaml", "extra.yaml"
        ),
    }


def app_manifest(
    name: str,
    *,
    path: str | None = None,
    sources: list[dict[str, Any]] | None = None,
    annotations: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An Application of this repository as a mapping (`application` gives it as YAML text)."""
    spec: dict[str, Any] = {
        "project": "default",
        "destination": {"server": "https://kubernetes.default.svc", "namespace": name},
    }
    if sources is not None:
        spec["sources"] = sources
    else:
        spec["source"] = {"repoURL": REPO_URL, "path": path, "targetRevision": "HEAD"}
    meta: dict[str, Any] = {"name": name, "namespace": "argocd"}
    if annotations:
        meta["annotations"] = annotations
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": meta,
        "spec": spec,
    }


def kustomization_doc(**fields: Any) -> dict[str, Any]:
    """A Kustomization as a mapping (`kustomization` gives a list of resources as YAML text)."""
    return {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", **fields}


def configmap_doc(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": "v"}}


class Identity:
    """Stands in for argodiff.repo.RepoIdentity: git sources of REPO_URL are this repository."""

    def is_local(self, source: Source, repo_root: Path) -> bool:
        return not source.chart and source.repo_url == REPO_URL


@dataclass
class GitRepo:
    """A git repository on disk that tests commit to."""

    path: Path

    def write(self, rel: str, content: str | dict[str, Any] = "x: 1\n") -> str:
        """Write one file (a mapping is dumped as YAML), without committing; return `rel`."""
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False)
        target.write_text(text, encoding="utf-8")
        return rel

    def app(
        self,
        file: str,
        name: str,
        *,
        path: str | None = None,
        sources: list[dict[str, Any]] | None = None,
        annotations: dict[str, str] | None = None,
    ) -> Application:
        """Write an Application manifest to `file` and return it as discovery reads it."""
        return self.apps(
            file, [app_manifest(name, path=path, sources=sources, annotations=annotations)]
        )[0]

    def apps(self, file: str, manifests: list[dict[str, Any]]) -> list[Application]:
        self.write(file, yaml.safe_dump_all(manifests, sort_keys=False))
        docs = load_manifests((self.path / file).read_text(), file)
        return [application_from_manifest(d, file=file) for d in docs]

    def affected(
        self,
        changed: list[str],
        head: list[Application],
        base: list[Application] | None = None,
        base_root: Path | None = None,
    ) -> dict[str, AffectedApp]:
        """The apps `changed` affects, by name (base apps default to the head ones)."""
        found = affected_apps(
            head if base is None else base,
            head,
            changed,
            self.path,
            Identity(),
            base_root=base_root,
        )
        assert len({a.app.name for a in found}) == len(found)
        return {a.app.name: a for a in found}

    def git(self, *args: str) -> str:
        return run([*GIT, "-C", str(self.path), *args]).stdout.decode().strip()

    def commit(self, files: dict[str, str] | dict[str, str | None], message: str) -> str:
        """Write (or, for None, delete) files, commit them all, return the new SHA."""
        for rel, text in files.items():
            if text is None:
                (self.path / rel).unlink()
            else:
                self.write(rel, text)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    @classmethod
    def init(cls, path: Path) -> GitRepo:
        path.mkdir(parents=True, exist_ok=True)
        repo = cls(path)
        repo.git("init", "-q", "-b", "main")
        return repo
