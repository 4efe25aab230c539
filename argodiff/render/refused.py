"""Which refused links (repo/export.py) an app's source would read: its source path, every path
its kustomizations name (through bases and components), its Helm value files and file
parameters. Any of them makes the app an error naming the link, before anything is rendered."""

from __future__ import annotations

import posixpath

from argodiff.discover.kustomize_graph import (
    REMOTE,
    KustomizeGraph,
    join_inside,
    raw_references,
)
from argodiff.errors import ManifestError, RenderError
from argodiff.model import Application, Source
from argodiff.repo.export import Snapshot


def _norm(*parts: str) -> str:
    return posixpath.normpath(posixpath.join(*parts)).lstrip("/") or "."


def _helm_files(app: Application, source: Source) -> list[str]:
    helm = source.helm or {}
    refs = {f"${s.ref}" for s in app.sources if s.ref}
    named = [str(v) for v in helm.get("valueFiles") or []]
    named += [str(p.get("path")) for p in helm.get("fileParameters") or [] if isinstance(p, dict)]
    out = []
    for entry in named:
        head, _, rest = entry.partition("/")
        if head in refs:
            out.append(_norm(rest))
        elif "://" not in entry:
            out.append(_norm(source.path or ".", entry))
    return out


def paths_read(snap: Snapshot, app: Application, source: Source) -> list[str]:
    """Repository-relative paths `source` reads (directories stand for all they hold)."""
    paths = _helm_files(app, source)
    if not source.chart:
        base = _norm(source.path or ".")
        paths.append(base)
        graph = KustomizeGraph(snap.root)
        try:
            reach = graph.reach(base)
        except ManifestError:
            return paths  # a broken kustomization: the render says what is wrong
        _refuse_leaving(
            graph, [f for f, ref in reach.files.items() if ref.field == "kustomization"]
        )
        paths += [*reach.files, *reach.dirs]
    return paths


def _refuse_leaving(graph: KustomizeGraph, kustomizations: list[str]) -> None:
    """A path a kustomization names that leaves the repository (`../../..`, `/etc`): refused
    here, before kustomize (whose own check only keeps files below the kustomization)."""
    for file in kustomizations:
        directory = posixpath.dirname(file) or "."
        found = graph.kustomization(directory)
        for field, raw in raw_references(found[1]) if found else []:
            if not REMOTE.search(raw.strip()) and join_inside(directory, raw) is None:
                raise RenderError(
                    f"kustomize {field} {raw!r} leaves the repository: refused", file=file
                )


def check(snap: Snapshot, app: Application, source: Source) -> None:
    """RenderError naming the refused links `source` would read, or a path its kustomizations
    name that leaves the repository, if any."""
    hits = snap.refused_under(*paths_read(snap, app, source))
    if hits:
        others = "".join(f"; also {link} -> {snap.refused[link]}" for link in hits[1:5])
        raise RenderError(snap.refusal(hits[0]) + others, file=hits[0])
