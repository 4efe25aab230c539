"""A generated GitOps repository of N small plain-directory apps, and a pull request on it."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from tests.fixture_repo import GitRepo, application

CHANGED_EVERY = 7
"""The pull request changes one app in seven (a dependency bump across several apps)."""


def _name(i: int) -> str:
    return f"app{i:03d}"


def _source(name: str) -> str:
    # The Applications' source path holds no kustomization.yaml: a plain directory, which the
    # repo-server reads without running kustomize, so the simulated render delay is the whole
    # cost of a render.
    return f"argoproj/{name}/overlays/prod/app.yaml"


def _manifests(name: str, image: str) -> str:
    return textwrap.dedent(
        f"""\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {name}
          labels: {{app: {name}}}
        spec:
          replicas: 2
          selector:
            matchLabels: {{app: {name}}}
          template:
            metadata:
              labels: {{app: {name}}}
            spec:
              containers:
                - name: {name}
                  image: {image}
                  ports:
                    - containerPort: 8080
                  resources:
                    requests: {{cpu: 50m, memory: 64Mi}}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: {name}
        spec:
          selector: {{app: {name}}}
          ports:
            - name: http
              port: 80
              targetPort: 8080
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {name}-config
        data:
          LOG_LEVEL: info
          UPSTREAM: http://{name}.{name}.svc:80
        """
    )


@dataclass(frozen=True)
class BenchRepo:
    repo: GitRepo
    apps: list[str]
    synced: str
    """The commit the simulated cluster runs."""
    pr: str
    """The pull request's head: one app in CHANGED_EVERY gets a new image."""
    changed: list[str]


def build(path: Path, count: int) -> BenchRepo:
    """A git repository at `path` with `count` apps, synced at one commit and changed by a PR."""
    repo = GitRepo.init(path)
    apps = [_name(i) for i in range(count)]
    files = {}
    for name in apps:
        files[f"argoproj/{name}/application.yaml"] = application(name, name)
        files[_source(name)] = _manifests(name, "nginx:1.27")
    synced = repo.commit(files, f"{count} apps")
    changed = apps[::CHANGED_EVERY]
    pr = repo.commit(
        {_source(n): _manifests(n, "nginx:1.28") for n in changed},
        "bump nginx",
    )
    return BenchRepo(repo, apps, synced, pr, changed)
