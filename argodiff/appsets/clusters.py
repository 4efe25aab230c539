"""The clusters a `clusters` generator iterates: Argo CD's (`GET /api/v1/clusters`), a
`--clusters FILE` list, or else the in-cluster destination alone (applicationset/generators
/cluster.go: the local cluster has no Secret, so it has no labels and a selector skips it)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argodiff.errors import ConfigError, ManifestError
from argodiff.yamlio import iter_documents

IN_CLUSTER_SERVER = "https://kubernetes.default.svc"
MAX_CLUSTERS_FILE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Cluster:
    name: str
    server: str
    project: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    local: bool = False
    """The cluster Argo CD runs in, known without a Secret (no labels, no nameNormalized)."""


IN_CLUSTER = Cluster(name="in-cluster", server=IN_CLUSTER_SERVER, local=True)


@dataclass(frozen=True)
class ClusterList:
    clusters: tuple[Cluster, ...]
    source: str
    """Where the list came from: `Argo CD`, a file name, or `assumed`."""
    why: str = "no Argo CD answered and no --clusters file was given"
    """Why the list is assumed (for the notice)."""

    @property
    def assumed(self) -> bool:
        return self.source == "assumed"


ASSUMED = ClusterList((IN_CLUSTER,), "assumed")


class ClusterSource:
    """The cluster list, fetched once and only when a clusters generator needs it (a
    repository without one costs no request)."""

    def __init__(self, load: Callable[[], ClusterList] = lambda: ASSUMED) -> None:
        self._load = load
        self._lock = threading.Lock()
        self._list: ClusterList | None = None

    def get(self) -> ClusterList:
        with self._lock:
            if self._list is None:
                self._list = self._load()
            return self._list


def _str_map(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def cluster_from_dict(item: Any, where: str) -> Cluster:
    """One cluster as `GET /api/v1/clusters` lists it (v1alpha1.Cluster), or as a
    `--clusters` file entry with the same fields."""
    if not isinstance(item, dict) or not item.get("server"):
        raise ManifestError("a cluster entry needs at least a server", file=where)
    server = str(item["server"]).rstrip("/")
    name = str(item.get("name") or "")
    local = server == IN_CLUSTER_SERVER and not item.get("labels")
    return Cluster(
        name=name or ("in-cluster" if local else server),
        server=server,
        project=str(item.get("project") or ""),
        labels=_str_map(item.get("labels")),
        annotations=_str_map(item.get("annotations")),
        local=local,
    )


def clusters_from_answer(body: Any, where: str = "GET /api/v1/clusters") -> ClusterList:
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise ManifestError("the clusters answer has no items list", file=where)
    return ClusterList(tuple(cluster_from_dict(i, where) for i in items), "Argo CD")


def load_clusters_file(path: Path) -> ClusterList:
    """A YAML or JSON file: a list of clusters, or an object with `items` (what
    `argocd cluster list -o json` or the API prints)."""
    try:
        if path.stat().st_size > MAX_CLUSTERS_FILE_BYTES:
            raise ConfigError(f"--clusters {path}: larger than 4 MiB")
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"--clusters {path}: cannot read ({exc.strerror})") from None
    try:
        docs = [d for d in iter_documents(data, str(path)) if d is not None]
        body = docs[0] if len(docs) == 1 else docs
        if isinstance(body, list):
            body = {"items": body}
        found = clusters_from_answer(body, str(path))
    except ManifestError as exc:
        raise ConfigError(f"--clusters {path}: {exc.args[0]}") from None
    return ClusterList(found.clusters, path.name)
