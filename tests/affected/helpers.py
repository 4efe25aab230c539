"""Build real repository trees and Applications in tmp_path for the affected-app tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from argodiff.application import application_from_manifest
from argodiff.discover.affected import AffectedApp, affected_apps
from argodiff.model import Application, Source
from argodiff.yamlio import load_manifests

REPO_URL = "https://github.com/boxp/lolice.git"
OTHER_URL = "https://github.com/someone/else.git"


class Identity:
    """Stands in for argodiff.repo.RepoIdentity: git sources of REPO_URL are this repository."""

    def is_local(self, source: Source, repo_root: Path) -> bool:
        return not source.chart and source.repo_url == REPO_URL


@dataclass
class Tree:
    root: Path

    def write(self, rel: str, content: str | dict[str, Any] = "x: 1\n") -> str:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False)
        path.write_text(text)
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
        """Write an Application manifest to `file` (appending to a multi-document file)."""
        return self.apps(
            file, [app_manifest(name, path=path, sources=sources, annotations=annotations)]
        )[0]

    def apps(self, file: str, manifests: list[dict[str, Any]]) -> list[Application]:
        self.write(file, yaml.safe_dump_all(manifests, sort_keys=False))
        docs = load_manifests((self.root / file).read_text(), file)
        return [application_from_manifest(d, file=file) for d in docs]

    def affected(
        self,
        changed: list[str],
        head: list[Application],
        base: list[Application] | None = None,
        base_root: Path | None = None,
    ) -> dict[str, AffectedApp]:
        found = affected_apps(
            head if base is None else base,
            head,
            changed,
            self.root,
            Identity(),
            base_root=base_root,
        )
        assert len({a.app.name for a in found}) == len(found)
        return {a.app.name: a for a in found}


def app_manifest(
    name: str,
    *,
    path: str | None = None,
    sources: list[dict[str, Any]] | None = None,
    annotations: dict[str, str] | None = None,
) -> dict[str, Any]:
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


def kustomization(**fields: Any) -> dict[str, Any]:
    return {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", **fields}


def configmap(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": "v"}}
