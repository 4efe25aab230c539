"""Helm sources: local charts and charts from a real chart repository on 127.0.0.1."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from argodiff.errors import RenderError
from argodiff.render import Renderer
from argodiff.render.helm import clean_set_value
from tests.render.conftest import ChartRepo, application, by_name, make_chart, write

pytestmark = pytest.mark.usefixtures("helm_bin")


@pytest.fixture
def chart(repo: Path) -> Path:
    chart = make_chart(repo / "argoproj", "greeter")
    write(repo, "argoproj/greeter/values-prod.yaml", "greeting: prod\nreplicas: 2\n")
    write(repo, "argoproj/greeter/motd.txt", "welcome")
    return chart


def test_local_chart_defaults(chart: Path, renderer: Renderer) -> None:
    objs = by_name(renderer.render(application("greeter", {"path": "argoproj/greeter"})))
    # Release name defaults to the app name, namespace to the destination; CRDs included.
    cm = objs["ConfigMap/greeter-config"]
    assert cm["metadata"]["namespace"] == "apps"
    assert cm["data"] == {"version": "0.1.0", "greeting": "hello", "replicas": "1", "list": ""}
    assert "CustomResourceDefinition/widgets.example.com" in objs


def test_local_chart_with_every_value_option(chart: Path, renderer: Renderer) -> None:
    app = application(
        "greeter",
        {
            "path": "argoproj/greeter",
            "helm": {
                "releaseName": "hi",
                "namespace": "greeting",
                "valueFiles": ["values-prod.yaml"],
                "values": "extra: from-values\n",
                "parameters": [
                    {"name": "list", "value": "{a,b}"},
                    {"name": "replicas", "value": "007", "forceString": True},
                ],
                "fileParameters": [{"name": "file", "path": "motd.txt"}],
                "skipCrds": True,
            },
        },
    )
    objs = by_name(renderer.render(app))
    assert list(objs) == ["ConfigMap/hi-config"]
    assert objs["ConfigMap/hi-config"]["metadata"]["namespace"] == "greeting"
    assert objs["ConfigMap/hi-config"]["data"] == {
        "version": "0.1.0",
        "greeting": "prod",
        "replicas": "007",
        "list": "a;b",
        "extra": "from-values",
        "file": "welcome",
    }


def test_values_object_wins_over_value_files_and_values(chart: Path, renderer: Renderer) -> None:
    app = application(
        "greeter",
        {
            "path": "argoproj/greeter",
            "helm": {
                "valueFiles": ["values-prod.yaml"],
                "values": "greeting: from-values\n",
                "valuesObject": {"greeting": "from-object"},
            },
        },
    )
    assert by_name(renderer.render(app))["ConfigMap/greeter-config"]["data"]["greeting"] == (
        "from-object"
    )


def test_missing_value_file_is_an_error_unless_ignored(chart: Path, renderer: Renderer) -> None:
    helm = {"valueFiles": ["values-prod.yaml", "values-gone.yaml"]}
    with pytest.raises(RenderError) as err:
        renderer.render(application("greeter", {"path": "argoproj/greeter", "helm": helm}))
    assert str(err.value) == (
        "app greeter, argoproj/greeter: value file 'values-gone.yaml' does not exist"
    )
    helm["ignoreMissingValueFiles"] = True  # type: ignore[assignment]
    objs = renderer.render(application("greeter", {"path": "argoproj/greeter", "helm": helm}))
    assert by_name(objs)["ConfigMap/greeter-config"]["data"]["greeting"] == "prod"


def test_chart_from_a_chart_repository(chart_repo: ChartRepo, renderer: Renderer) -> None:
    app = application(
        "remote",
        {
            "repoURL": chart_repo.url,
            "chart": "greeter",
            "targetRevision": "0.1.0",
            "helm": {"valuesObject": {"greeting": "from-repo"}},
        },
    )
    data = by_name(renderer.render(app))["ConfigMap/remote-config"]["data"]
    assert (data["version"], data["greeting"]) == ("0.1.0", "from-repo")
    # A version constraint picks the newest match, as `helm pull --version` does.
    app.sources[0] = replace(app.sources[0], target_revision=">=0.1.0 <1.0.0")
    data = by_name(renderer.render(app))["ConfigMap/remote-config"]["data"]
    assert (data["version"], data["greeting"]) == ("0.2.0", "from-repo")


def test_local_chart_dependencies_are_built_on_a_copy(repo: Path, renderer: Renderer) -> None:
    make_chart(repo / "argoproj", "greeter")
    write(
        repo,
        "argoproj/umbrella/Chart.yaml",
        """\
        apiVersion: v2
        name: umbrella
        version: 1.0.0
        dependencies:
        - name: greeter
          version: 0.1.0
          repository: file://../greeter
        """,
    )
    objs = by_name(renderer.render(application("umbrella", {"path": "argoproj/umbrella"})))
    assert objs["ConfigMap/umbrella-config"]["data"]["greeting"] == "hello"
    # The checkout is not written to.
    assert sorted(p.name for p in (repo / "argoproj/umbrella").iterdir()) == ["Chart.yaml"]


def test_set_values_escape_commas_except_lists() -> None:
    assert clean_set_value("a,b") == "a\\,b"
    assert clean_set_value("a\\,b") == "a\\,b"
    assert clean_set_value("{a,b}") == "{a,b}"
