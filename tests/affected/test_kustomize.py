"""Files reached through kustomize: every field that names a file, `../` bases, cycles."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from argodiff.discover.kustomize_graph import KustomizeGraph
from tests.fixture_repo import REPO_URL, GitRepo, configmap_doc, kustomization_doc


def overlay_layout(tree: GitRepo) -> None:
    """base/ + overlays/prod, as lolice lays out a component, plus a shared component."""
    tree.write("argoproj/web/base/kustomization.yaml", kustomization_doc(resources=["cm.yaml"]))
    tree.write("argoproj/web/base/cm.yaml", configmap_doc("web"))
    tree.write("argoproj/web/base/unused.yaml", configmap_doc("unused"))
    tree.write(
        "components/labels/kustomization.yaml",
        {
            "apiVersion": "kustomize.config.k8s.io/v1alpha1",
            "kind": "Component",
            "labels": [{"pairs": {"team": "web"}}],
            "patches": [{"path": "team-patch.yaml"}],
            "configMapGenerator": [{"name": "settings", "envs": ["team.env"]}],
        },
    )
    tree.write(
        "components/labels/team-patch.yaml",
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web"}, "data": {"t": "1"}},
    )
    tree.write(
        "argoproj/web/overlays/prod/kustomization.yaml",
        kustomization_doc(
            resources=["../../base", "https://github.com/org/repo//deploy?ref=v1"],
            components=["../../../../components/labels"],
        ),
    )
    tree.write("components/labels/team.env", "LEVEL=prod\n")


def test_overlay_layout_is_a_real_kustomize_build(tree: GitRepo) -> None:
    overlay_layout(tree)
    # Without the remote resource (the build must not reach the network), kustomize builds it.
    path = tree.path / "argoproj/web/overlays/prod/kustomization.yaml"
    path.write_text(path.read_text().replace("- https://github.com/org/repo//deploy?ref=v1\n", ""))
    built = subprocess.run(
        ["kubectl", "kustomize", str(path.parent)], capture_output=True, text=True, check=True
    )
    assert "team: web" in built.stdout
    assert "LEVEL: prod" in built.stdout


def test_bases_components_and_generator_files_outside_the_path(tree: GitRepo) -> None:
    overlay_layout(tree)
    web = tree.app("apps/web.yaml", "web", path="argoproj/web/overlays/prod")
    changed = [
        "argoproj/web/base/cm.yaml",
        "argoproj/web/base/kustomization.yaml",
        "components/labels/team-patch.yaml",
        "components/labels/team.env",
    ]
    found = tree.affected(changed, [web])
    assert found["web"].reasons == [
        "argoproj/web/base/cm.yaml: kustomize resources in argoproj/web/base/kustomization.yaml",
        "argoproj/web/base/kustomization.yaml: kustomize kustomization in "
        "argoproj/web/base/kustomization.yaml",
        "components/labels/team-patch.yaml: kustomize patches in "
        "components/labels/kustomization.yaml",
        "components/labels/team.env: kustomize configMapGenerator envs in "
        "components/labels/kustomization.yaml",
    ]


def test_unreferenced_sibling_of_a_base_is_not_affected(tree: GitRepo) -> None:
    overlay_layout(tree)
    web = tree.app("apps/web.yaml", "web", path="argoproj/web/overlays/prod")
    assert tree.affected(["argoproj/web/base/unused.yaml", "components/other/x.yaml"], [web]) == {}


FIELDS: list[tuple[str, dict[str, Any], str]] = [
    ("resources", {"resources": ["../x/res.yaml"]}, "x/res.yaml"),
    ("bases", {"bases": ["../x"]}, "x/anything.yaml"),
    ("crds", {"crds": ["../x/crd.yaml"]}, "x/crd.yaml"),
    ("patches", {"patches": [{"path": "../x/p.yaml"}]}, "x/p.yaml"),
    ("patchesStrategicMerge", {"patchesStrategicMerge": ["../x/smp.yaml"]}, "x/smp.yaml"),
    (
        "patchesJson6902",
        {"patchesJson6902": [{"path": "../x/j.yaml", "target": {"kind": "X", "name": "x"}}]},
        "x/j.yaml",
    ),
    (
        "configMapGenerator files",
        {"configMapGenerator": [{"name": "c", "files": ["key=../x/f.txt"]}]},
        "x/f.txt",
    ),
    (
        "secretGenerator envs",
        {"secretGenerator": [{"name": "s", "envs": ["../x/s.env"]}]},
        "x/s.env",
    ),
    (
        "configMapGenerator env",
        {"configMapGenerator": [{"name": "c", "env": "../x/e.env"}]},
        "x/e.env",
    ),
    (
        "helmCharts valuesFile",
        {"helmCharts": [{"name": "c", "repo": "https://charts", "valuesFile": "../x/v.yaml"}]},
        "x/v.yaml",
    ),
    (
        "helmCharts additionalValuesFiles",
        {"helmCharts": [{"name": "c", "additionalValuesFiles": ["../x/v2.yaml"]}]},
        "x/v2.yaml",
    ),
    (
        "helmCharts chart",
        {"helmGlobals": {"chartHome": "../x/charts"}, "helmCharts": [{"name": "mychart"}]},
        "x/charts/mychart/templates/cm.yaml",
    ),
    ("transformers", {"transformers": ["../x/t.yaml"]}, "x/t.yaml"),
    ("generators", {"generators": ["../x/g.yaml"]}, "x/g.yaml"),
    ("validators", {"validators": ["../x/val.yaml"]}, "x/val.yaml"),
    ("replacements", {"replacements": [{"path": "../x/r.yaml"}]}, "x/r.yaml"),
    ("configurations", {"configurations": ["../x/conf.yaml"]}, "x/conf.yaml"),
    ("openapi", {"openapi": {"path": "../x/schema.json"}}, "x/schema.json"),
]


@pytest.mark.parametrize(("name", "fields", "reached"), FIELDS, ids=[f[0] for f in FIELDS])
def test_each_kustomize_field_reaches_its_file(
    tree: GitRepo, name: str, fields: dict[str, Any], reached: str
) -> None:
    tree.write("app/kustomization.yaml", kustomization_doc(**fields))
    tree.write(reached)
    tree.write("y/other.yaml")
    found = tree.affected([reached, "y/other.yaml"], [tree.app("apps/a.yaml", "a", path="app")])
    assert found["a"].reasons == [f"{reached}: kustomize {name} in app/kustomization.yaml"]


def test_inline_patches_and_transformer_configs_are_not_paths(tree: GitRepo) -> None:
    inline = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n"
    tree.write(
        "app/kustomization.yaml",
        kustomization_doc(
            patchesStrategicMerge=[inline],
            patches=[{"patch": inline}],
            transformers=[inline],
            resources=["git@github.com:org/repo.git//deploy", "github.com/org/repo/deploy?ref=v1"],
        ),
    )
    graph = KustomizeGraph(tree.path)
    assert [r.path for r in graph.references("app")] == []


def test_kustomization_yml_and_capitalised_name(tree: GitRepo) -> None:
    tree.write("a/kustomization.yml", kustomization_doc(resources=["../b"]))
    tree.write("b/Kustomization", kustomization_doc(resources=["cm.yaml"]))
    reach = KustomizeGraph(tree.path).reach("a")
    assert set(reach.files) == {"a/kustomization.yml", "b/Kustomization", "b/cm.yaml"}


def test_cycles_are_walked_once(tree: GitRepo) -> None:
    tree.write("a/kustomization.yaml", kustomization_doc(resources=["../b", "."]))
    tree.write("b/kustomization.yaml", kustomization_doc(resources=["../c", "b.yaml"]))
    tree.write("c/kustomization.yaml", kustomization_doc(resources=["../a", "c.yaml"]))
    app = tree.app("apps/a.yaml", "a", path="a")
    found = tree.affected(["c/c.yaml", "b/b.yaml", "d/d.yaml"], [app])
    assert [r.split(":")[0] for r in found["a"].reasons] == ["b/b.yaml", "c/c.yaml"]


def test_directory_without_kustomization_is_read_whole(tree: GitRepo) -> None:
    tree.write("app/kustomization.yaml", kustomization_doc(resources=["../plain"]))
    tree.write("plain/a.yaml")
    found = tree.affected(["plain/sub/b.yaml"], [tree.app("apps/a.yaml", "a", path="app")])
    assert found["a"].reasons == ["plain/sub/b.yaml: kustomize resources in app/kustomization.yaml"]


def test_deleted_referenced_file_still_affects(tree: GitRepo) -> None:
    # The PR deleted ../x/gone.yaml but the kustomization still names it (the build will fail).
    tree.write("app/kustomization.yaml", kustomization_doc(resources=["../x/gone.yaml", "../y"]))
    found = tree.affected(
        ["x/gone.yaml", "y/kustomization.yaml"], [tree.app("apps/a.yaml", "a", path="app")]
    )
    assert [r.split(":")[0] for r in found["a"].reasons] == ["x/gone.yaml", "y/kustomization.yaml"]


def test_broken_kustomization_does_not_stop_the_others(tree: GitRepo) -> None:
    tree.write("bad/kustomization.yaml", "resources: [unclosed\n")
    tree.write("good/kustomization.yaml", kustomization_doc(resources=["../shared"]))
    bad = tree.app("apps/bad.yaml", "bad", path="bad")
    good = tree.app("apps/good.yaml", "good", path="good")
    found = tree.affected(["shared/x.yaml", "bad/kustomization.yaml"], [bad, good])
    assert found["bad"].reasons == [
        "bad/kustomization.yaml: kustomize kustomization in bad/kustomization.yaml"
    ]
    assert list(found) == ["bad", "good"]


def test_app_spec_kustomize_components(tree: GitRepo) -> None:
    tree.write("app/kustomization.yaml", kustomization_doc(resources=["cm.yaml"]))
    tree.write("comp/kustomization.yaml", {"kind": "Component", "resources": ["extra.yaml"]})
    app = tree.app(
        "apps/a.yaml",
        "a",
        sources=[
            {
                "repoURL": REPO_URL,
                "path": "app",
                "kustomize": {"components": ["../comp"]},
            }
        ],
    )
    found = tree.affected(["comp/extra.yaml"], [app])
    assert found["a"].reasons == ["comp/extra.yaml: kustomize resources in comp/kustomization.yaml"]


def app_of_apps(tree: GitRepo, root_fields: dict[str, Any]) -> list[Any]:
    """lolice's layout: the root app renders argoproj/, whose kustomization lists each app's
    application.yaml."""
    apps = [tree.app(f"argoproj/{n}/application.yaml", n, path=f"argoproj/{n}") for n in ("a", "b")]
    apps.append(tree.app("argoproj/root.yaml", "root", path="argoproj"))
    listed = [f"{n}/application.yaml" for n in ("a", "b")]
    tree.write("argoproj/kustomization.yaml", kustomization_doc(resources=listed, **root_fields))
    return apps


def test_kustomization_listing_an_app_manifest_affects_it(tree: GitRepo) -> None:
    apps = app_of_apps(tree, {"commonLabels": {"tier": "apps"}})
    found = tree.affected(["argoproj/kustomization.yaml"], apps)
    assert found["a"].reasons == [
        "argoproj/kustomization.yaml: kustomization listing the Application manifest "
        "argoproj/a/application.yaml"
    ]
    assert list(found) == ["a", "b", "root"]
    assert found["root"].reasons == [
        "argoproj/kustomization.yaml: kustomize kustomization in argoproj/kustomization.yaml"
    ]


def test_listing_only_kustomization_with_base_checkout_does_not_affect_listed_apps(
    tree: GitRepo, tmp_path: Path
) -> None:
    labels = [{"pairs": {"app.kubernetes.io/part-of": "lolice"}}]
    base_tree = GitRepo(tmp_path / "base")
    base_apps = app_of_apps(base_tree, {"labels": labels})
    apps = app_of_apps(tree, {"labels": labels})
    new = tree.app("argoproj/c/application.yaml", "c", path="argoproj/c")
    tree.write(
        "argoproj/kustomization.yaml",
        kustomization_doc(
            resources=[f"{n}/application.yaml" for n in ("a", "b", "c")], labels=labels
        ),
    )
    changed = ["argoproj/kustomization.yaml", "argoproj/c/application.yaml"]
    found = tree.affected(changed, [*apps, new], base_apps, base_root=base_tree.path)
    assert {n: a.state for n, a in found.items()} == {"c": "added", "root": "changed"}
    # Without the base checkout argodiff cannot know nothing was transformed: it assumes so.
    assert list(tree.affected(changed, [*apps, new], base_apps)) == ["a", "b", "c", "root"]


def test_transform_removed_from_kustomization_still_affects_listed_apps(
    tree: GitRepo, tmp_path: Path
) -> None:
    base_tree = GitRepo(tmp_path / "base")
    base_apps = app_of_apps(base_tree, {"namespace": "argocd"})
    apps = app_of_apps(tree, {})
    found = tree.affected(
        ["argoproj/kustomization.yaml"], apps, base_apps, base_root=base_tree.path
    )
    assert list(found) == ["a", "b", "root"]
