"""Where the lolice tree is, and how to build one of its kustomizations."""

from __future__ import annotations

from pathlib import Path

from argodiff.command import run
from argodiff.model import Manifest
from argodiff.yamlio import load_manifests

REPO_ROOT = Path(__file__).resolve().parents[2]
TREE = "argoproj"
LOLICE_REPO = "https://github.com/boxp/lolice.git"
OVERLAY = "/overlays/lolice"
"""Every app's kustomize source path ends with this."""

KUSTOMIZE_DIRS = sorted(
    p.parent.relative_to(REPO_ROOT).as_posix()
    for p in (REPO_ROOT / TREE).rglob("kustomization.yaml")
)
"""Every kustomization in the tree (repository-relative): app paths, bases and the root."""


def build(rel_dir: str) -> list[Manifest]:
    """`kubectl kustomize` (kustomize v5) of one directory, as Argo CD's repo-server runs it."""
    out = run(["kubectl", "kustomize", str(REPO_ROOT / rel_dir)], timeout=60)
    return load_manifests(out.stdout, rel_dir)
