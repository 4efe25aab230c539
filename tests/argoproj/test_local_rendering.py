"""argodiff renders the tree's own sources offline, as kustomize builds them."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from argodiff.model import Application, Manifest, ResourceKey
from argodiff.render import Renderer
from argodiff.repo.identity import RepoIdentity
from tests.argoproj.tree import LOLICE_REPO, REPO_ROOT

IDENTITY = RepoIdentity.of_checkout(REPO_ROOT, extra_urls=[LOLICE_REPO])


@pytest.fixture(scope="module")
def renderer() -> Iterator[Renderer]:
    with Renderer(REPO_ROOT, identity=IDENTITY) as r:
        yield r


def test_every_app_renders_its_local_sources(
    apps: dict[str, Application],
    rendered: dict[str, list[Manifest]],
    renderer: Renderer,
) -> None:
    for app in apps.values():
        # Chart repositories need the network; this repository's sources must not.
        local = [s for s in app.sources if IDENTITY.is_local(s, REPO_ROOT)]
        objects = renderer.render(dataclasses.replace(app, sources=local))
        expected = [o for s in local if not s.is_ref_only for o in rendered[s.path]]
        assert sorted(map(ResourceKey.of, objects)) == sorted(map(ResourceKey.of, expected))
