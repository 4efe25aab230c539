"""Discovery: every Application in the tree once; malformed files reported by file."""

from __future__ import annotations

import textwrap
from pathlib import Path

from argodiff.discover.applications import discover_applications


def _app(name: str, path: str = "", extra: str = "") -> str:
    return (
        textwrap.dedent(
            f"""\
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata:
          name: {name}
          namespace: argocd
        spec:
          project: default
          source:
            repoURL: https://github.com/example/lolice.git
            path: {path or f"argoproj/{name}"}
          destination:
            server: https://kubernetes.default.svc
            namespace: {name}
        """
        )
        + extra
    )


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _app_of_apps(root: Path) -> None:
    _write(root, "argoproj/root.yaml", _app("root", "argoproj"))
    _write(
        root,
        "argoproj/kustomization.yaml",
        "resources: [root.yaml, calico/application.yaml, longhorn/application.yaml]\n",
    )
    # A second kustomization listing the same Application: still one app.
    _write(root, "argoproj/infra/kustomization.yaml", "resources: [../calico/application.yaml]\n")
    _write(root, "argoproj/calico/application.yaml", _app("calico"))
    _write(root, "argoproj/longhorn/application.yaml", _app("longhorn"))
    _write(root, "argoproj/longhorn/base/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\n")


def test_app_of_apps_tree_finds_each_application_once(tmp_path: Path) -> None:
    _app_of_apps(tmp_path)
    found = discover_applications(tmp_path)
    assert found.errors == []
    assert sorted(a.name for a in found.apps) == ["calico", "longhorn", "root"]
    calico = next(a for a in found.apps if a.name == "calico")
    assert calico.file == "argoproj/calico/application.yaml"
    assert calico.sources[0].path == "argoproj/calico"
    assert calico.destination_namespace == "calico"


def test_several_applications_in_one_file_and_other_kinds_passed_over(tmp_path: Path) -> None:
    text = _app("a") + "---\n" + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"
    text += "---\n" + _app("b") + "---\napiVersion: argoproj.io/v1alpha1\nkind: AppProject\n"
    _write(tmp_path, "apps/all.yaml", text)
    found = discover_applications(tmp_path, "apps")
    assert [a.name for a in found.apps] == ["a", "b"]
    assert found.errors == []


def test_malformed_files_are_reported_by_file_and_the_rest_discovered(tmp_path: Path) -> None:
    _app_of_apps(tmp_path)
    _write(tmp_path, "argoproj/broken/application.yaml", _app("broken") + "  bad: [unclosed\n")
    _write(
        tmp_path,
        "argoproj/nosource/application.yaml",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: nosource}\n"
        "spec: {destination: {namespace: x}}\n",
    )
    found = discover_applications(tmp_path)
    assert sorted(a.name for a in found.apps) == ["calico", "longhorn", "root"]
    messages = sorted(str(e) for e in found.errors)
    assert len(messages) == 2
    assert messages[1].startswith("argoproj/broken/application.yaml: invalid YAML:")
    assert messages[0] == (
        "app nosource, argoproj/nosource/application.yaml: spec.source or spec.sources is required"
    )


def test_same_name_in_two_files_is_an_error_naming_both(tmp_path: Path) -> None:
    _app_of_apps(tmp_path)
    _write(tmp_path, "argoproj/copy/application.yaml", _app("calico", "argoproj/other"))
    found = discover_applications(tmp_path)
    assert sorted(a.name for a in found.apps) == ["longhorn", "root"]
    [error] = found.errors
    assert error.app == "calico"
    assert "argoproj/calico/application.yaml" in str(error)
    assert "argoproj/copy/application.yaml" in str(error)


def test_hidden_dirs_helm_charts_and_non_yaml_files_are_skipped(tmp_path: Path) -> None:
    _write(tmp_path, "argoproj/a.yaml", _app("a"))
    _write(tmp_path, "argoproj/.hidden/app.yaml", _app("hidden"))
    _write(tmp_path, "argoproj/notes.txt", _app("text"))
    _write(tmp_path, "argoproj/chart/Chart.yaml", "apiVersion: v2\nname: chart\nversion: 1.0.0\n")
    # A Helm template is not YAML until rendered; it must not be reported as malformed.
    _write(
        tmp_path, "argoproj/chart/templates/app.yaml", "{{- if .Values.x }}\nkind: Application\n"
    )
    found = discover_applications(tmp_path)
    assert [a.name for a in found.apps] == ["a"]
    assert found.errors == []


def test_missing_apps_dir_is_reported(tmp_path: Path) -> None:
    found = discover_applications(tmp_path, "nope")
    assert found.apps == []
    assert [str(e) for e in found.errors] == ["nope: applications directory not found"]


def test_this_repository_tree() -> None:
    root = Path(__file__).resolve().parents[2]
    found = discover_applications(root)
    assert found.errors == []
    names = {a.name for a in found.apps}
    assert {"root", "longhorn", "calico"} <= names
