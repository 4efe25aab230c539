"""`.argocd-source*.yaml` merging, the build-option allowlist and capabilities files."""

from __future__ import annotations

from pathlib import Path

import pytest

from argodiff.errors import ConfigError, ManifestError
from argodiff.model import Application, Source
from argodiff.render import Renderer
from argodiff.render.buildoptions import parse_build_options
from argodiff.render.capabilities import Capabilities, load_capabilities
from argodiff.render.overrides import apply_overrides, instance_name
from tests.render.conftest import application, by_name, configmap, write

SOURCE = Source(
    repo_url="https://github.com/example/lolice.git",
    path="app",
    target_revision="HEAD",
    helm={"parameters": [{"name": "a", "value": "1"}], "releaseName": "r"},
)


def _apply(tmp_path: Path, files: dict[str, str], app: Application | None = None) -> Source:
    (tmp_path / "app").mkdir(exist_ok=True)
    for name, text in files.items():
        (tmp_path / "app" / name).write_text(text)
    app = app or Application(name="web", sources=[SOURCE])
    return apply_overrides(app, SOURCE, tmp_path / "app", tmp_path, "argocd")[0]


def test_merge_patch_semantics_and_restored_fields(tmp_path: Path) -> None:
    merged = _apply(
        tmp_path,
        {
            ".argocd-source.yaml": "helm:\n  releaseName: null\n  values: 'x: 1'\n",
            ".argocd-source-web.yaml": (
                "repoURL: https://evil.example/x.git\nchart: evil\ntargetRevision: main\n"
                "helm:\n  parameters:\n    - {name: b, value: '2'}\n"
            ),
        },
    )
    assert merged.helm == {"parameters": [{"name": "b", "value": "2"}], "values": "x: 1"}
    assert (merged.repo_url, merged.path, merged.chart, merged.target_revision) == (
        SOURCE.repo_url,
        "app",
        "",
        "HEAD",
    )


def test_empty_file_changes_nothing_and_other_apps_files_are_ignored(tmp_path: Path) -> None:
    merged = _apply(tmp_path, {".argocd-source.yaml": "", ".argocd-source-other.yaml": "helm: {}"})
    assert merged == SOURCE


@pytest.mark.parametrize(
    ("text", "message"),
    [("helm: [unclosed", "invalid YAML"), ("- a\n- b\n", "not one YAML mapping")],
)
def test_bad_file_names_itself(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ManifestError) as err:
        _apply(tmp_path, {".argocd-source.yaml": text})
    assert err.value.file == "app/.argocd-source.yaml" and message in str(err.value)


def test_symlink_out_of_the_checkout_is_refused(tmp_path: Path) -> None:
    outside = tmp_path.parent / "outside.yaml"
    outside.write_text("helm: {}\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / ".argocd-source.yaml").symlink_to(outside)
    with pytest.raises(ManifestError, match="outside the repository"):
        _apply(tmp_path, {})


def test_instance_name() -> None:
    assert instance_name(Application(name="a", namespace="argocd"), "argocd") == "a"
    assert instance_name(Application(name="a", namespace="team"), "argocd") == "team_a"
    assert instance_name(Application(name="a", namespace="team"), "team") == "a"


def test_build_options_allowlist() -> None:
    got = parse_build_options(
        "--enable-helm --load-restrictor LoadRestrictionsNone --reorder none "
        "--helm-command=/bin/sh --enable-alpha-plugins --helm-kube-version 1.32.0",
        "settings",
    )
    assert got.flags == ("--enable-helm", "--reorder=none", "--helm-kube-version=1.32.0")
    assert got.refused == (
        "--load-restrictor LoadRestrictionsNone",
        "--helm-command=/bin/sh",
        "--enable-alpha-plugins",
    )
    assert "NOT applied" in got.describe()
    with pytest.raises(ConfigError, match="not allowed: --mount=/"):
        parse_build_options("--enable-helm --mount=/", "--kustomize-build-options", strict=True)


def test_capabilities_file(tmp_path: Path) -> None:
    path = tmp_path / "caps.yaml"
    path.write_text("kubeVersion: v1.32.3+k3s1\napiVersions: [apps/v1, v1, apps/v1]\n")
    caps = load_capabilities(path)
    assert caps == Capabilities("v1.32.3+k3s1", ("apps/v1", "v1"))
    assert caps.semver == "v1.32.3"
    path.write_text("kubeVersion: v1.32\napiVersions: ['--set=x']\n")
    with pytest.raises(ConfigError, match="not group/version"):
        load_capabilities(path)


def test_every_source_of_a_multi_source_app_reads_its_own_overrides(
    repo: Path, renderer: Renderer
) -> None:
    write(repo, "k/kustomization.yaml", "resources: [cm.yaml]\n")
    write(repo, "k/cm.yaml", configmap("settings"))
    write(repo, "k/.argocd-source-multi.yaml", "kustomize:\n  namePrefix: pr-\n  namespace: x\n")
    write(repo, "d/cm.yaml", configmap("top"))
    write(repo, "d/sub/cm.yaml", configmap("nested"))
    # A directory source becomes recursive only through its override file.
    write(repo, "d/.argocd-source.yaml", "directory:\n  recurse: true\n")
    app = application("multi", {"path": "k"}, {"path": "d"})
    got = by_name(renderer.render(app))
    assert sorted(got) == ["ConfigMap/nested", "ConfigMap/pr-settings", "ConfigMap/top"]
    assert got["ConfigMap/pr-settings"]["metadata"]["namespace"] == "x"
