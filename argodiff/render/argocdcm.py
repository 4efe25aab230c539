"""Offline, Argo CD's `kustomize.buildOptions` can only come from the repository itself: the
argocd-cm ConfigMap that the Argo CD app in the tree renders (Argo CD reads argocd-cm from its
own namespace)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from argodiff.errors import AppError
from argodiff.model import Application, Manifest
from argodiff.render.buildoptions import BuildOptions, parse_build_options

if TYPE_CHECKING:
    from argodiff.render import Renderer

ARGOCD_CM = "argocd-cm"
BUILD_OPTIONS_KEY = "kustomize.buildOptions"


@dataclass(frozen=True)
class Found:
    app: Application
    config_map: Manifest


def _argocd_cms(app: Application, objs: Sequence[Manifest], namespace: str) -> list[Found]:
    out = []
    for obj in objs:
        meta = obj.get("metadata") or {}
        if obj.get("kind") != "ConfigMap" or meta.get("name") != ARGOCD_CM:
            continue
        if (meta.get("namespace") or app.destination_namespace) == namespace:
            out.append(Found(app, obj))
    return out


def repo_build_options(
    apps: Sequence[Application],
    render: Callable[[Application], list[Manifest]],
    namespace: str,
) -> tuple[BuildOptions | None, list[str]]:
    """The build options of the one argocd-cm the tree's Argo CD apps render, and notices.

    `render` renders an app (a Renderer's `render`); only apps deployed to Argo CD's namespace
    are rendered. An app that fails to render is passed over: its own diff reports the error.
    """
    found: list[Found] = []
    for app in apps:
        if app.destination_namespace != namespace:
            continue
        try:
            found += _argocd_cms(app, render(app), namespace)
        except AppError:
            continue
    if not found:
        return None, []
    if len(found) > 1:
        names = ", ".join(sorted({f.app.name for f in found}))
        return None, [
            f"{len(found)} argocd-cm ConfigMaps are rendered in this repository (apps {names}): "
            "none of their kustomize.buildOptions is used; pass --kustomize-build-options"
        ]
    one = found[0]
    data = one.config_map.get("data") or {}
    text = str(data.get(BUILD_OPTIONS_KEY) or "") if isinstance(data, dict) else ""
    if not text.strip():
        return None, []
    origin = f"the argocd-cm of app {one.app.name} ({one.app.file or 'this repository'})"
    return parse_build_options(text, origin, announce=True), []


def adopt_repo_build_options(
    renderers: Sequence[Renderer | None], apps: Sequence[Application]
) -> list[str]:
    """Offline and with no build options given: use those of the repository's argocd-cm (as
    rendered by the first renderer, the pull request's side) for every renderer. Returns
    notices for the run. Call before the renderers are shared between threads."""
    first = renderers[0]
    if first is None or first.options.build_options.origin:
        return []
    found, notices = repo_build_options(apps, first.render, first.options.argocd_namespace)
    if found is not None:
        for renderer in renderers:
            if renderer is not None:
                renderer.options = dataclasses.replace(renderer.options, build_options=found)
    return notices
