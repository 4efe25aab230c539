"""Plain-directory sources: file selection as Argo CD's repo-server does it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from argodiff.errors import ManifestError
from argodiff.globs import glob_match
from argodiff.render import Renderer
from tests.render.conftest import application, configmap, write


def _names(manifests: list[dict[str, object]]) -> list[str]:
    return [m["metadata"]["name"] for m in manifests]  # type: ignore[index]


@pytest.fixture
def tree(repo: Path) -> Path:
    write(repo, "argoproj/plain/a.yaml", configmap("a") + "---\n" + configmap("a2"))
    write(repo, "argoproj/plain/b.yml", configmap("b"))
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
    write(repo, "argoproj/plain/c.json", json.dumps(cm))
    write(repo, "argoproj/plain/README.md", "not a manifest")
    write(repo, "argoproj/plain/sub/d.yaml", configmap("d"))
    write(repo, "argoproj/plain/sub/deeper/e.yaml", configmap("e"))
    write(repo, "argoproj/plain/sub/skip.yaml", configmap("skip"))
    items = {"apiVersion": "v1", "kind": "List", "items": [json.loads(json.dumps(cm))]}
    items["items"][0]["metadata"]["name"] = "in-list"
    write(repo, "argoproj/plain/sub/list.json", json.dumps(items))
    return repo


def test_top_level_files_only_by_default(tree: Path, renderer: Renderer) -> None:
    objs = renderer.render(application("plain", {"path": "argoproj/plain"}))
    assert _names(objs) == ["a", "a2", "b", "c"]


def test_recurse_reads_subdirectories_and_flattens_lists(tree: Path, renderer: Renderer) -> None:
    app = application("plain", {"path": "argoproj/plain", "directory": {"recurse": True}})
    # Lexical walk order, as filepath.Walk: sub/d.yaml, sub/deeper/e.yaml, sub/list.json...
    assert _names(renderer.render(app)) == ["a", "a2", "b", "c", "d", "e", "in-list", "skip"]


def test_include_and_exclude_globs(tree: Path, renderer: Renderer) -> None:
    app = application(
        "plain",
        {
            "path": "argoproj/plain",
            "directory": {"recurse": True, "include": "{*.yml,sub/*}", "exclude": "*skip*"},
        },
    )
    # `*` crosses `/` (Argo CD compiles the globs without separators).
    assert _names(renderer.render(app)) == ["b", "d", "e", "in-list"]


def test_glob_syntax() -> None:
    assert glob_match("*.yaml", "sub/x.yaml")
    assert glob_match("{a,b/{c,d}}.json", "b/d.json")
    assert glob_match("[!x]?.yml", "ab.yml")
    assert not glob_match("[!x]?.yml", "xb.yml")
    assert not glob_match("{unclosed", "{unclosed")


def test_object_without_kind_names_the_file(repo: Path, renderer: Renderer) -> None:
    write(repo, "argoproj/plain/bad.yaml", "apiVersion: v1\nmetadata: {name: x}\n")
    with pytest.raises(ManifestError) as err:
        renderer.render(application("plain", {"path": "argoproj/plain"}))
    assert str(err.value) == "app plain, argoproj/plain/bad.yaml: object 1 has no kind"
