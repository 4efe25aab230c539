"""Small GitOps repositories for tests: a few kustomize apps in a real git repository."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from argodiff.command import run

REPO_URL = "https://github.com/example/lolice.git"
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
) -> str:
    """An Application of this repository (`path` defaults to `argoproj/<name>/overlays/prod`)."""
    label_block = f"\n          labels:\n            {labels}" if labels else ""
    label_block += f"\n          annotations:\n            {annotations}" if annotations else ""
    options = "".join(f"\n              - {o}" for o in sync_options)
    return textwrap.dedent(
        f"""\
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata:
          name: {name}
          namespace: argocd{label_block}
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


@dataclass
class GitRepo:
    """A git repository on disk that tests commit to."""

    path: Path

    def git(self, *args: str) -> str:
        return run([*GIT, "-C", str(self.path), *args]).stdout.decode().strip()

    def commit(self, files: dict[str, str] | dict[str, str | None], message: str) -> str:
        """Write (or, for None, delete) files, commit them all, return the new SHA."""
        for rel, text in files.items():
            target = self.path / rel
            if text is None:
                target.unlink()
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    @classmethod
    def init(cls, path: Path) -> GitRepo:
        path.mkdir(parents=True, exist_ok=True)
        repo = cls(path)
        repo.git("init", "-q", "-b", "main")
        return repo
