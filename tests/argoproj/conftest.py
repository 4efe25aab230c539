"""The lolice tree, discovered with argodiff's own discovery and built with the real kustomize."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from argodiff.discover.applications import Discovery, discover_applications
from argodiff.model import Application, Manifest
from tests.argoproj.tree import KUSTOMIZE_DIRS, OVERLAY, REPO_ROOT, TREE, build


@pytest.fixture(scope="session")
def discovery() -> Discovery:
    return discover_applications(REPO_ROOT, TREE)


@pytest.fixture(scope="session")
def apps(discovery: Discovery) -> dict[str, Application]:
    return {app.name: app for app in discovery.apps}


@pytest.fixture(scope="session")
def rendered() -> dict[str, list[Manifest]]:
    """Each kustomization's output, keyed by its directory; built once for the whole session."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(KUSTOMIZE_DIRS, pool.map(build, KUSTOMIZE_DIRS), strict=True))


@pytest.fixture(scope="session")
def deployed(rendered: dict[str, list[Manifest]]) -> list[Manifest]:
    """Every object the Applications deploy from this repository's overlays."""
    return [o for rel_dir in KUSTOMIZE_DIRS if rel_dir.endswith(OVERLAY) for o in rendered[rel_dir]]


@pytest.fixture(scope="session")
def argocd_objects(rendered: dict[str, list[Manifest]]) -> dict[str, Manifest]:
    """What the argocd app's lolice overlay renders, as `Kind/name`."""
    return {f"{o['kind']}/{o['metadata']['name']}": o for o in rendered[f"{TREE}/argocd{OVERLAY}"]}
