"""Plain-directory sources, read as Argo CD's repo-server does (repository.go findManifests)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from argodiff.errors import ManifestError, RenderError
from argodiff.globs import glob_match
from argodiff.model import Manifest
from argodiff.render.overrides import is_override_file
from argodiff.render.paths import relative
from argodiff.yamlio import load_manifests

MANIFEST_FILE = re.compile(r"^.*\.(yaml|yml|json|jsonnet)$")
MAX_COMBINED_BYTES = 10_000_000
"""The repo-server's default --max-combined-directory-manifests-size (10M)."""


def _walk(path: Path, recurse: bool) -> Iterator[Path]:
    """Files in lexical order, as filepath.Walk visits them."""
    for entry in sorted(path.iterdir(), key=lambda p: p.name):
        if entry.is_symlink() and entry.is_dir():
            continue  # filepath.Walk does not follow directory symlinks
        if entry.is_dir():
            if recurse:
                yield from _walk(entry, recurse)
        else:
            yield entry


def _selected(app_path: Path, options: dict[str, Any]) -> Iterator[tuple[Path, str]]:
    include = str(options.get("include") or "")
    exclude = str(options.get("exclude") or "")
    for file in _walk(app_path, bool(options.get("recurse"))):
        if not MANIFEST_FILE.match(file.name) or is_override_file(file.name):
            continue
        rel = file.relative_to(app_path).as_posix()
        if exclude and glob_match(exclude, rel):
            continue
        if include and not glob_match(include, rel):
            continue
        yield file, rel


def _check_object(obj: Manifest, index: int, file: str) -> None:
    # The repo-server decodes each document as an unstructured object, which needs a kind.
    if not obj.get("kind"):
        raise ManifestError(f"object {index + 1} has no kind", file=file)
    if not obj.get("apiVersion"):
        raise ManifestError(f"object {index + 1} has no apiVersion", file=file)
    meta = obj.get("metadata")
    if not isinstance(meta, dict) or not (meta.get("name") or meta.get("generateName")):
        raise ManifestError(f"object {index + 1} has no metadata.name", file=file)


def read_directory(
    app_path: Path, options: dict[str, Any] | None, repo_root: Path
) -> list[Manifest]:
    """Every manifest of a directory source (`directory.recurse`, `include`, `exclude`)."""
    manifests: list[Manifest] = []
    total = 0
    root = repo_root.resolve()
    for file, _rel in _selected(app_path, options or {}):
        shown = relative(file, repo_root)
        real = file.resolve()
        if real != root and root not in real.parents:
            raise RenderError("symlink points outside the repository", file=shown)
        if file.suffix == ".jsonnet":
            raise RenderError("Jsonnet sources cannot be rendered locally", file=shown)
        total += file.stat().st_size
        if total > MAX_COMBINED_BYTES:
            # Checked before reading, so a huge file costs no memory.
            raise RenderError(
                f"manifests exceed the combined size limit of {MAX_COMBINED_BYTES:,} bytes "
                "(Argo CD's --max-combined-directory-manifests-size)",
                file=shown,
            )
        try:
            objs = load_manifests(file.read_bytes(), shown)
        except OSError as exc:
            raise RenderError(f"cannot read: {exc.strerror}", file=shown) from None
        for index, obj in enumerate(objs):
            _check_object(obj, index, shown)
        manifests.extend(objs)
    return manifests
