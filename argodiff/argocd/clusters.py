"""The destination clusters' capabilities, from `GET /api/v1/clusters/{server}` (RBAC:
`clusters, get`, which role:readonly has). Each cluster is asked once per run."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from argodiff.argocd.errors import ArgoError
from argodiff.errors import ManifestError
from argodiff.model import Application, ArgoSettings
from argodiff.render.buildoptions import parse_build_options
from argodiff.render.capabilities import Capabilities, CapabilitiesSource, parse_capabilities
from argodiff.render.options import RenderOptions

CLUSTERS_PATH = "/api/v1/clusters"
IN_CLUSTER = "https://kubernetes.default.svc"
"""Argo CD's name for the cluster it runs in (an app's default destination)."""

Fetch = Callable[[str, str], dict[str, Any]]
"""(id value, id type `url` or `name`) -> the cluster object."""


def capabilities_of(cluster: dict[str, Any], where: str) -> Capabilities:
    """`info.serverVersion` and `info.apiVersions` of a cluster object (v1alpha1.Cluster)."""
    info = cluster.get("info")
    if not isinstance(info, dict):
        info = {}
    version = info.get("serverVersion") or cluster.get("serverVersion") or ""
    try:
        return parse_capabilities(
            {"kubeVersion": version, "apiVersions": info.get("apiVersions") or []}, where
        )
    except ManifestError as exc:
        raise ArgoError(f"{where}: {exc.args[0]}") from None


class ClusterCapabilities:
    """A CapabilitiesSource that asks Argo CD about each destination cluster once. When a
    cluster cannot be read, `fallback` (a capabilities file, or nothing) is used and the
    failure is one of the run's notices."""

    def __init__(self, fetch: Fetch, fallback: CapabilitiesSource) -> None:
        self._fetch = fetch
        self._fallback = fallback
        self._lock = threading.Lock()
        self._known: dict[tuple[str, str], Capabilities | None] = {}
        self._problems: list[str] = []
        self._locks: dict[tuple[str, str], threading.Lock] = {}

    def for_app(self, app: Application) -> Capabilities | None:
        if app.destination_server or not app.destination_name:
            key = (app.destination_server or IN_CLUSTER, "url")
        else:
            key = (app.destination_name, "name")
        with self._lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._known:
                self._known[key] = self._read(*key)
            caps = self._known[key]
        return caps if caps is not None else self._fallback.for_app(app)

    def _read(self, value: str, id_type: str) -> Capabilities | None:
        where = f"cluster {value}"
        try:
            caps = capabilities_of(self._fetch(value, id_type), where)
        except ArgoError as exc:
            self._problem(f"could not read the capabilities of {where} from Argo CD ({exc})")
            return None
        if not caps.kube_version and not caps.api_versions:
            self._problem(f"Argo CD does not know the capabilities of {where} yet (no info)")
            return None
        return caps

    def _problem(self, line: str) -> None:
        with self._lock:
            self._problems.append(line)

    def problems(self) -> list[str]:
        with self._lock:
            return [*self._problems, *self._fallback.problems()]


def server_render_options(
    fetch: Fetch, settings: ArgoSettings, base: RenderOptions
) -> RenderOptions:
    """Render options when Argo CD answers: its namespace, its build options and each
    destination cluster's capabilities (read through `fetch`, e.g. ArgoClient.cluster)."""
    build = parse_build_options(
        settings.kustomize_build_options, "Argo CD's settings (kustomize.buildOptions)"
    )
    return base.with_server(
        argocd_namespace=settings.controller_namespace,
        capabilities=ClusterCapabilities(fetch, base.capabilities),
        build_options=build,
    )
