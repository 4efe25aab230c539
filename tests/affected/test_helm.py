"""Helm value files (relative and `$ref`), file parameters and local chart dependencies."""

from __future__ import annotations

from argodiff.model import Application
from tests.fixture_repo import OTHER_URL, REPO_URL, GitRepo


def test_value_files_relative_to_the_source_path(tree: GitRepo) -> None:
    app = tree.app(
        "apps/longhorn.yaml",
        "longhorn",
        sources=[
            {
                "repoURL": REPO_URL,
                "path": "argoproj/longhorn",
                "helm": {
                    "valueFiles": ["values.yaml", "../common/values.yaml", "https://x/v.yaml"],
                    "fileParameters": [{"name": "config", "path": "../common/config.txt"}],
                },
            }
        ],
    )
    changed = [
        "argoproj/longhorn/values.yaml",
        "argoproj/common/values.yaml",
        "argoproj/common/config.txt",
        "argoproj/common/unrelated.yaml",
    ]
    assert tree.affected(changed, [app])["longhorn"].reasons == [
        "argoproj/common/config.txt: Helm file parameter",
        "argoproj/common/values.yaml: Helm value file",
        "argoproj/longhorn/values.yaml: Helm value file",
    ]


def multi_source(tree: GitRepo, values_repo: str) -> Application:
    """A chart from a Helm repository with its values in a `ref` source (lolice's pattern)."""
    return tree.app(
        "apps/prom.yaml",
        "prom",
        sources=[
            {
                "repoURL": "https://prometheus-community.github.io/helm-charts",
                "chart": "kube-prometheus-stack",
                "targetRevision": "65.0.0",
                "helm": {"valueFiles": ["$values/argoproj/prometheus/values.yaml"]},
            },
            {"repoURL": values_repo, "targetRevision": "HEAD", "ref": "values"},
        ],
    )


def test_ref_value_file_from_this_repository(tree: GitRepo) -> None:
    prom = multi_source(tree, REPO_URL)
    changed = ["argoproj/prometheus/values.yaml", "argoproj/prometheus/other.yaml"]
    assert tree.affected(changed, [prom])["prom"].reasons == [
        "argoproj/prometheus/values.yaml: Helm value file"
    ]


def test_ref_value_file_from_another_repository(tree: GitRepo) -> None:
    prom = multi_source(tree, OTHER_URL)
    assert tree.affected(["argoproj/prometheus/values.yaml"], [prom]) == {}


def test_unknown_ref_is_ignored(tree: GitRepo) -> None:
    app = tree.app(
        "apps/x.yaml",
        "x",
        sources=[
            {
                "repoURL": "https://charts.example.com",
                "chart": "x",
                "helm": {"valueFiles": ["$nope/values.yaml"]},
            },
        ],
    )
    assert tree.affected(["values.yaml", "nope/values.yaml"], [app]) == {}


def test_local_chart_dependency_outside_the_path(tree: GitRepo) -> None:
    tree.write(
        "charts/app/Chart.yaml",
        {
            "apiVersion": "v2",
            "name": "app",
            "version": "0.1.0",
            "dependencies": [
                {"name": "common", "version": "0.1.0", "repository": "file://../common"},
                {"name": "redis", "version": "1.0.0", "repository": "https://charts.bitnami.com"},
            ],
        },
    )
    tree.write(
        "charts/common/Chart.yaml",
        {
            "apiVersion": "v2",
            "name": "common",
            "version": "0.1.0",
            "dependencies": [{"name": "lib", "repository": "file://../lib"}],
        },
    )
    app = tree.app("apps/app.yaml", "app", path="charts/app")
    changed = ["charts/common/templates/_helpers.tpl", "charts/lib/values.yaml", "charts/other/x"]
    assert tree.affected(changed, [app])["app"].reasons == [
        "charts/common/templates/_helpers.tpl: local Helm chart dependency of charts/app",
        "charts/lib/values.yaml: local Helm chart dependency of charts/app",
    ]
