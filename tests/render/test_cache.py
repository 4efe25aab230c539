"""Renders are shared: a source used by several apps is rendered once, even concurrently."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from argodiff.render import Renderer
from tests.render.conftest import application, by_name, configmap, write


def _shared_tree(repo: Path) -> None:
    write(repo, "argoproj/shared/base/kustomization.yaml", "resources: [cm.yaml]\n")
    write(repo, "argoproj/shared/base/cm.yaml", configmap("shared", v="1"))


def test_two_apps_sharing_a_source_render_it_once(repo: Path, renderer: Renderer) -> None:
    _shared_tree(repo)
    source = {"path": "argoproj/shared/base", "kustomize": {"namePrefix": "x-"}}
    first = renderer.render(application("one", source))
    first[0]["data"]["v"] = "changed by the caller"
    second = renderer.render(application("two", source, namespace="elsewhere"))
    assert renderer.renders == 1
    # Each caller gets its own copy.
    assert by_name(second)["ConfigMap/x-shared"]["data"] == {"v": "1"}


def test_concurrent_renders_of_one_source_run_the_tool_once(repo: Path, renderer: Renderer) -> None:
    _shared_tree(repo)
    apps = [application(f"app{i}", {"path": "argoproj/shared/base"}) for i in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(renderer.render, apps))
    assert renderer.renders == 1
    assert all(by_name(r) == by_name(results[0]) for r in results)


def test_different_options_are_different_renders(repo: Path, renderer: Renderer) -> None:
    _shared_tree(repo)
    a = renderer.render(application("a", {"path": "argoproj/shared/base"}))
    b = renderer.render(
        application("b", {"path": "argoproj/shared/base", "kustomize": {"nameSuffix": "-b"}})
    )
    assert renderer.renders == 2
    assert [o["metadata"]["name"] for o in a + b] == ["shared", "shared-b"]


def test_a_failure_is_reported_to_every_app_sharing_the_source(
    repo: Path, renderer: Renderer
) -> None:
    write(repo, "argoproj/bad/kustomization.yaml", "resources: [missing.yaml]\n")
    errors = []
    for name in ("one", "two"):
        try:
            renderer.render(application(name, {"path": "argoproj/bad"}))
        except Exception as exc:
            errors.append(str(exc))
    assert renderer.renders == 1
    assert [e.split(":")[0] for e in errors] == ["app one, argoproj/bad", "app two, argoproj/bad"]
