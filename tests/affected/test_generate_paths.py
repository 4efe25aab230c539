"""The manifest-generate-paths annotation, read as Argo CD reads it (util/app/path)."""

from __future__ import annotations

from typing import Any

import pytest

from argodiff.application import MANIFEST_GENERATE_PATHS
from argodiff.discover.affected import go_match
from argodiff.model import Application
from tests.fixture_repo import REPO_URL, GitRepo, kustomization_doc


def annotated(
    tree: GitRepo, value: str, sources: list[dict[str, Any]] | None = None
) -> Application:
    """App `web` (source path argoproj/web unless `sources`) with the annotation set to `value`."""
    path = "argoproj/web" if sources is None else None
    annotations = {MANIFEST_GENERATE_PATHS: value}
    return tree.app("apps/web.yaml", "web", path=path, sources=sources, annotations=annotations)


def reasons(tree: GitRepo, app: Application, changed: list[str]) -> list[str]:
    found = tree.affected(changed, [app])
    return found["web"].reasons if "web" in found else []


CASES = [
    # (annotation, changed files, the files that affect the app through the annotation)
    (
        "relative",
        "../shared",
        ["argoproj/shared/x.yaml", "argoproj/sharedx/y"],
        ["argoproj/shared/x.yaml"],
    ),
    (
        "semicolons and absolute",
        ".; ../shared ;/global/settings.yaml;;",
        ["argoproj/shared/x.yaml", "global/settings.yaml", "global/other.yaml", "z.yaml"],
        ["argoproj/shared/x.yaml", "global/settings.yaml"],
    ),
    (
        "directory is not a string prefix",
        "/global/conf",
        ["global/config/x.yaml", "global/conf/sub/x.yaml"],
        ["global/conf/sub/x.yaml"],
    ),
    (
        "absolute with .. is cleaned",
        "/services/one/../two/values.yaml",
        ["services/two/values.yaml", "services/one/values.yaml"],
        ["services/two/values.yaml"],
    ),
    (
        "glob stays in one directory",
        "/shared/*.yaml",
        ["shared/a.yaml", "shared/sub/b.yaml", "shared/c.json"],
        ["shared/a.yaml"],
    ),
    ("slash alone is every file", "/", ["a.yaml", "b/c.yaml"], ["a.yaml", "b/c.yaml"]),
]


@pytest.mark.parametrize(
    ("value", "changed", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_annotation_paths(
    tree: GitRepo, value: str, changed: list[str], expected: list[str]
) -> None:
    app = annotated(tree, value)
    assert reasons(tree, app, changed) == [
        f"{p}: manifest-generate-paths {value}" for p in expected
    ]


def test_relative_dot_is_the_source_path(tree: GitRepo) -> None:
    app = annotated(tree, ".")
    assert reasons(tree, app, ["argoproj/web/a.yaml", "argoproj/other/b.yaml"]) == [
        "argoproj/web/a.yaml: in source path argoproj/web"
    ]


def test_annotation_never_hides_files_the_source_reads(tree: GitRepo) -> None:
    tree.write("argoproj/web/kustomization.yaml", kustomization_doc(resources=["../base"]))
    tree.write("argoproj/base/kustomization.yaml", kustomization_doc(resources=["cm.yaml"]))
    app = annotated(tree, ".")
    changed = ["argoproj/base/cm.yaml", "argoproj/web/README.md", "apps/web.yaml"]
    assert reasons(tree, app, changed) == [
        "apps/web.yaml: Application manifest",
        "argoproj/base/cm.yaml: kustomize resources in argoproj/base/kustomization.yaml "
        "(outside manifest-generate-paths: Argo CD may not refresh the app)",
        # Not read by the kustomization, but the annotation names the whole path.
        "argoproj/web/README.md: manifest-generate-paths .",
    ]


def test_relative_items_join_every_source_path(tree: GitRepo) -> None:
    app = annotated(
        tree,
        "../extra",
        [{"repoURL": REPO_URL, "path": "one"}, {"repoURL": REPO_URL, "path": "two"}],
    )
    assert [r.split(":")[0] for r in reasons(tree, app, ["extra/a", "one/b", "x/c"])] == [
        "extra/a",
        "one/b",
    ]


def test_annotation_of_an_app_without_local_sources_is_ignored(tree: GitRepo) -> None:
    app = annotated(tree, "/", [{"repoURL": "https://charts.example.com", "chart": "web"}])
    assert reasons(tree, app, ["anything.yaml"]) == []


@pytest.mark.parametrize(
    ("pattern", "name", "expected"),
    [
        ("/a/*", "/a/b", True),
        ("/a/*", "/a/b/c", False),
        ("/a/?.yaml", "/a/x.yaml", True),
        ("/a/?.yaml", "/a/xy.yaml", False),
        ("/a/[bc]*", "/a/cat", True),
        ("/a/[^bc]*", "/a/cat", False),
        ("/a/[a-c]", "/a/b", True),
        ("/a/[c-a]", "/a/b", False),
        ("/a/\\*", "/a/*", True),
        ("/a/\\*", "/a/b", False),
        ("/a/[", "/a/[", False),
        ("/a/[]]", "/a/]", False),
        ("/a/\\", "/a/\\", False),
        ("/a/b.yaml", "/a/b.yaml", True),
        ("/a/b+c", "/a/b+c", True),
    ],
)
def test_go_filepath_match(pattern: str, name: str, expected: bool) -> None:
    assert go_match(pattern, name) is expected
