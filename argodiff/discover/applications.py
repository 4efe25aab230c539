"""Find the Argo CD Applications defined by YAML files in the repository.

App-of-apps kustomizations only list files that are in the tree anyway, so walking the tree finds
every Application once, however many kustomizations include it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argodiff.application import APPLICATION_API_GROUP, application_from_manifest, is_application
from argodiff.appsets.expand import AppSetOptions, Expansion, expand, is_application_set
from argodiff.errors import ManifestError
from argodiff.model import Application
from argodiff.repo import export
from argodiff.yamlio import iter_documents

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
MAX_FILE_BYTES = 10 * 1024 * 1024
"""Larger files are not parsed (a manifest this big is a mistake, not an Application)."""
_CHUNK = 1 << 20
# A file that cannot define an Application is passed over without parsing it (fast, and Helm
# templates or other invalid-but-unrelated YAML are not reported).
_MENTIONS_APPLICATION = re.compile(rb"\bApplication(?:Set)?\b")
_CHART_FILE = "Chart.yaml"


@dataclass
class Discovery:
    apps: list[Application] = field(default_factory=list)
    errors: list[ManifestError] = field(default_factory=list)
    """Malformed files or Applications, each naming the file (and the app when known)."""
    appsets: list[Expansion] = field(default_factory=list)
    """Every ApplicationSet, with the apps it generates (in `apps` too) or why it has none."""
    refused_links: list[ManifestError] = field(default_factory=list)
    """Links among the Application manifests that leave the repository: each names the link
    and its target. Not followed, so an Application may be missing: the run is an error."""


def _manifest_files(root: Path) -> Iterator[Path]:
    """YAML/JSON files under `root`, sorted, skipping hidden directories and Helm charts
    (a chart's templates are not plain manifests)."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        if _CHART_FILE in filenames:
            dirnames[:] = []
            continue
        for name in sorted(filenames):
            if name.endswith(MANIFEST_SUFFIXES) and not name.startswith("."):
                yield Path(dirpath, name)


def _mentions_application(path: Path) -> bool:
    """Stream the file (bounded memory) looking for the word `Application`."""
    tail = b""
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            if _MENTIONS_APPLICATION.search(tail + chunk):
                return True
            tail = chunk[-32:]
    return False


def _read_file(
    path: Path, rel: str, result: Discovery, appsets: list[tuple[dict[str, Any], str]]
) -> list[Application]:
    """The file's Applications (its ApplicationSets go to `appsets`); a malformed one is
    reported and the others are kept."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ManifestError(
            f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; not read", file=rel
        )
    apps: list[Application] = []
    for index, doc in enumerate(iter_documents(path.read_bytes(), rel)):
        if doc is None:
            continue
        if not isinstance(doc, dict):
            kind = type(doc).__name__
            result.errors.append(
                ManifestError(f"document {index + 1} is a {kind}, not a mapping", file=rel)
            )
        elif is_application(doc):
            try:
                apps.append(application_from_manifest(doc, file=rel))
            except ManifestError as exc:
                result.errors.append(exc)
        elif is_application_set(doc):
            appsets.append((doc, rel))
        elif str(doc.get("apiVersion", "")).startswith(APPLICATION_API_GROUP) and not doc.get(
            "kind"
        ):
            result.errors.append(
                ManifestError(
                    f"document {index + 1} is an argoproj.io object without kind", file=rel
                )
            )
    return apps


def discover_applications(
    repo_root: Path, apps_dir: str = "argoproj", appsets: AppSetOptions | None = None
) -> Discovery:
    """Every `argoproj.io` Application in YAML/JSON files under `repo_root/apps_dir`, and every
    Application the ApplicationSets there generate (expanded from this checkout)."""
    result = Discovery()
    root = repo_root / apps_dir
    if not root.is_dir():
        result.errors.append(ManifestError("applications directory not found", file=apps_dir))
        return result
    found: dict[str, Application] = {}
    duplicates: dict[str, list[str]] = {}
    appset_docs: list[tuple[dict[str, Any], str]] = []
    for path in _manifest_files(root):
        rel = path.relative_to(repo_root).as_posix()
        try:
            if not path.is_file() or not _mentions_application(path):
                continue
            apps = _read_file(path, rel, result, appset_docs)
        except ManifestError as exc:
            result.errors.append(exc)
            continue
        except OSError as exc:
            result.errors.append(ManifestError(f"cannot read: {exc.strerror}", file=rel))
            continue
        for app in apps:
            if app.name in found:
                duplicates.setdefault(app.name, [found[app.name].file]).append(rel)
            else:
                found[app.name] = app
    for expansion in _expand_all(appset_docs, repo_root, appsets or AppSetOptions()):
        result.appsets.append(expansion)
        for app in expansion.apps:
            if app.name in found:
                duplicates.setdefault(app.name, [found[app.name].file]).append(app.file)
            else:
                found[app.name] = app
    for name, files in duplicates.items():
        # Which definition Argo CD would apply is not knowable; report the app instead of guessing.
        del found[name]
        result.errors.append(
            ManifestError(
                f"Application defined more than once: {', '.join(files)}", app=name, file=files[0]
            )
        )
    snap = export.exported(repo_root)
    if snap is not None:
        # Left out of the exported tree: said here, so no Application goes missing unnoticed.
        for link in snap.refused_under(apps_dir):
            result.refused_links.append(ManifestError(snap.refusal(link), file=link))
    result.apps = list(found.values())
    return result


def _expand_all(
    docs: list[tuple[dict[str, Any], str]], repo_root: Path, options: AppSetOptions
) -> list[Expansion]:
    """Each ApplicationSet expanded; a second one of the same name is an error (Kubernetes
    would keep only one of them)."""
    out: list[Expansion] = []
    seen: dict[tuple[str, str], str] = {}
    for doc, rel in docs:
        expansion = expand(doc, rel, repo_root, options)
        key = (expansion.name, expansion.namespace)
        if expansion.name and key in seen:
            expansion.apps, expansion.manifests = [], {}
            expansion.error = f"ApplicationSet defined more than once: {seen[key]}, {rel}"
        seen.setdefault(key, rel)
        out.append(expansion)
    return out
