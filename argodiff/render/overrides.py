"""`.argocd-source.yaml` and `.argocd-source-<appName>.yaml`: source parameter overrides, merged
into a source as Argo CD's repo-server merges them (reposerver/repository/repository.go
mergeSourceParameters, before the source type is chosen).

argocd-image-updater's git write-back commits new image tags to exactly these files, so a pull
request that only changes one of them changes what Argo CD deploys.
"""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any

from argodiff.application import source_from_dict
from argodiff.engine.merge import apply_merge_patch
from argodiff.errors import ManifestError
from argodiff.model import Application, Source
from argodiff.render.paths import relative
from argodiff.yamlio import iter_documents

OVERRIDE_PREFIX = ".argocd-source"
MAX_OVERRIDE_BYTES = 1 << 20
"""An override file is a few lines; a bigger one is refused before it is read."""

_JSON_FIELDS = (
    ("repoURL", "repo_url"),
    ("path", "path"),
    ("targetRevision", "target_revision"),
    ("chart", "chart"),
    ("ref", "ref"),
    ("name", "name"),
    ("helm", "helm"),
    ("kustomize", "kustomize"),
    ("directory", "directory"),
    ("plugin", "plugin"),
)


def instance_name(app: Application, argocd_namespace: str) -> str:
    """`app.InstanceName(controllerNamespace)`: the name, or `<namespace>_<name>` for an
    Application outside Argo CD's own namespace (pkg/apis/application/v1alpha1/types.go)."""
    if not app.namespace or app.namespace == argocd_namespace:
        return app.name
    return f"{app.namespace}_{app.name}"


def is_override_file(name: str) -> bool:
    """`.argocd-source.yaml` or `.argocd-source-<anything>.yaml`: parameters, not manifests.
    The repo-server never deploys them from a directory source either: it skips YAML files
    that do not decode as Kubernetes objects and do not look like one (findManifests)."""
    return name == f"{OVERRIDE_PREFIX}.yaml" or (
        name.startswith(f"{OVERRIDE_PREFIX}-") and name.endswith(".yaml")
    )


def override_files(app: Application, argocd_namespace: str) -> tuple[str, str]:
    """The two file names, in the order they are merged."""
    specific = instance_name(app, argocd_namespace)
    return f"{OVERRIDE_PREFIX}.yaml", f"{OVERRIDE_PREFIX}-{specific}.yaml"


def source_to_json(source: Source) -> dict[str, Any]:
    """The ApplicationSource as Argo CD marshals it (empty fields omitted)."""
    out: dict[str, Any] = {}
    for json_name, attr in _JSON_FIELDS:
        value = getattr(source, attr)
        if value:
            out[json_name] = copy.deepcopy(value)
    return out


def _read_patch(file: Path, shown: str) -> dict[str, Any] | None:
    """The file's YAML as a JSON value; None for an empty file (a no-op in Argo CD, where
    `null` unmarshals into the source without changing it)."""
    if file.stat().st_size > MAX_OVERRIDE_BYTES:
        raise ManifestError(
            f"source override file is larger than {MAX_OVERRIDE_BYTES:,} bytes", file=shown
        )
    docs = [d for d in iter_documents(file.read_bytes(), shown) if d is not None]
    if not docs:
        return None
    if len(docs) > 1 or not isinstance(docs[0], dict):
        # yaml.YAMLToJSON reads one document; a non-object patch would replace the whole
        # source and fail to unmarshal into it.
        raise ManifestError("source override file is not one YAML mapping", file=shown)
    patch: dict[str, Any] = docs[0]
    return patch


def apply_overrides(
    app: Application, source: Source, app_path: Path, repo_root: Path, argocd_namespace: str
) -> tuple[Source, list[str]]:
    """`source` with the override files in `app_path` merged in, and the files that were
    merged (repository-relative). `chart`, `path`, `repoURL` and `targetRevision` always stay
    the Application's own. A file that does not parse is a ManifestError naming it."""
    merged: dict[str, Any] | None = None
    used: list[str] = []
    root = repo_root.resolve()
    for name in override_files(app, argocd_namespace):
        file = app_path / name
        if not file.is_file():
            continue  # a missing file, or a directory of that name, is skipped
        shown = relative(file, repo_root)
        real = file.resolve()
        if root not in real.parents:
            raise ManifestError("source override file points outside the repository", file=shown)
        try:
            patch = _read_patch(file, shown)
        except OSError as exc:
            raise ManifestError(f"cannot read: {exc.strerror}", file=shown) from None
        used.append(shown)
        if patch is None:
            continue
        merged = apply_merge_patch(merged if merged is not None else source_to_json(source), patch)
    if merged is None:
        return source, used
    try:
        result = source_from_dict(merged)
    except ValueError as exc:
        raise ManifestError(f"source override: {exc}", file=used[-1]) from None
    for block in ("helm", "kustomize", "directory", "plugin"):
        if merged.get(block) is not None and not isinstance(merged[block], dict):
            raise ManifestError(f"source override: {block} is not a mapping", file=used[-1])
    # Only the config-management fields may be overridden: Argo CD puts these four back.
    restored = dataclasses.replace(
        result,
        repo_url=source.repo_url,
        path=source.path,
        chart=source.chart,
        target_revision=source.target_revision,
    )
    return restored, used
