"""A source path holding a kustomization is affected only by what that kustomization reads
(its graph), the `.argocd-source*.yaml` overrides of the path and the Application itself; when
the graph cannot be read fully, the whole path counts again and the reason says why."""

from __future__ import annotations

from tests.fixture_repo import GitRepo, configmap_doc, kustomization_doc


def app_of_apps(tree: GitRepo) -> None:
    """`root` over argoproj/, a kustomization listing each component's application.yaml."""
    tree.write("argoproj/kustomization.yaml", kustomization_doc(resources=["foo/application.yaml"]))
    tree.write("argoproj/foo/kustomization.yaml", kustomization_doc(resources=["deployment.yaml"]))
    tree.write("argoproj/foo/deployment.yaml", configmap_doc("foo"))


def test_app_of_apps_is_not_affected_by_its_childrens_files(tree: GitRepo) -> None:
    app_of_apps(tree)
    root = tree.app("root.yaml", "root", path="argoproj")
    foo = tree.app("argoproj/foo/application.yaml", "foo", path="argoproj/foo")
    found = tree.affected(["argoproj/foo/deployment.yaml"], [root, foo])
    assert list(found) == ["foo"]
    assert found["foo"].reasons == [
        "argoproj/foo/deployment.yaml: kustomize resources in argoproj/foo/kustomization.yaml"
    ]


def test_app_of_apps_is_affected_by_a_childs_application_manifest(tree: GitRepo) -> None:
    app_of_apps(tree)
    root = tree.app("root.yaml", "root", path="argoproj")
    foo = tree.app("argoproj/foo/application.yaml", "foo", path="argoproj/foo")
    found = tree.affected(["argoproj/foo/application.yaml"], [root, foo])
    assert sorted(found) == ["foo", "root"]
    assert found["root"].reasons == [
        "argoproj/foo/application.yaml: kustomize resources in argoproj/kustomization.yaml"
    ]


def test_source_overrides_of_the_path_count(tree: GitRepo) -> None:
    app_of_apps(tree)
    foo = tree.app("apps/foo.yaml", "foo", path="argoproj/foo")
    changed = [
        "argoproj/foo/.argocd-source-foo.yaml",
        "argoproj/foo/.argocd-source.yaml",
        "argoproj/foo/.argocd-source-bar.yaml",
        "argoproj/foo/notes.md",
    ]
    assert tree.affected(changed, [foo])["foo"].reasons == [
        "argoproj/foo/.argocd-source-foo.yaml: Argo CD source override",
        "argoproj/foo/.argocd-source.yaml: Argo CD source override",
    ]


def test_unmodelled_kustomization_falls_back_to_the_whole_path(tree: GitRepo) -> None:
    tree.write(
        "app/kustomization.yaml",
        {"resources": ["cm.yaml"], "transformers": ["my-plugin.yaml"]},
    )
    app = tree.app("apps/app.yaml", "app", path="app")
    found = tree.affected(["app/plugin-input.txt"], [app])
    assert found["app"].reasons == [
        "app/plugin-input.txt: in source path app (kustomize graph not fully read: "
        "app/kustomization.yaml: it configures plugins (transformers))"
    ]


def test_unknown_field_in_a_base_makes_the_whole_base_count(tree: GitRepo) -> None:
    tree.write("app/kustomization.yaml", kustomization_doc(resources=["../base"]))
    tree.write("base/kustomization.yaml", {"resources": ["cm.yaml"], "futureField": {"x": 1}})
    app = tree.app("apps/app.yaml", "app", path="app")
    found = tree.affected(["base/other.txt"], [app])
    assert found["app"].reasons == [
        "base/other.txt: in kustomize base base (graph not fully read: base/kustomization.yaml: "
        "field futureField is not modelled)"
    ]


def test_files_an_override_names_count(tree: GitRepo) -> None:
    app_of_apps(tree)
    tree.write(
        "argoproj/foo/.argocd-source-foo.yaml",
        {"kustomize": {"components": ["../comp"], "patches": [{"path": "patch.yaml"}]}},
    )
    tree.write("argoproj/comp/kustomization.yaml", {"kind": "Component", "resources": ["x.yaml"]})
    foo = tree.app("apps/foo.yaml", "foo", path="argoproj/foo")
    found = tree.affected(["argoproj/comp/x.yaml", "argoproj/foo/patch.yaml"], [foo])
    assert found["foo"].reasons == [
        "argoproj/comp/x.yaml: kustomize resources in argoproj/comp/kustomization.yaml "
        "(named by argoproj/foo/.argocd-source-foo.yaml)",
        "argoproj/foo/patch.yaml: file named by argoproj/foo/.argocd-source-foo.yaml",
    ]
