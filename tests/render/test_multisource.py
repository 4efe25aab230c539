"""Multi-source apps: every non-ref source rendered, in order; `$ref/...` value files."""

from __future__ import annotations

from pathlib import Path

import pytest

from argodiff.errors import RenderError
from argodiff.model import Application
from argodiff.render import Renderer
from tests.render.conftest import ChartRepo, application, configmap, write


def _lolice_like(repo: Path, chart_repo: ChartRepo, *, ref_repo: str | None = None) -> Application:
    """Like argoproj/longhorn: a chart, this repo as `$values`, and a kustomize overlay."""
    write(repo, "argoproj/greeter/values.yaml", "greeting: from-git\nlist: [x, z]\n")
    write(repo, "argoproj/greeter/overlays/lolice/kustomization.yaml", "resources: [tunnel.yaml]\n")
    write(repo, "argoproj/greeter/overlays/lolice/tunnel.yaml", configmap("tunnel", to="ui"))
    ref = {"ref": "values"} | ({"repoURL": ref_repo} if ref_repo else {})
    return application(
        "greeter",
        {
            "repoURL": chart_repo.url,
            "chart": "greeter",
            "targetRevision": "0.2.0",
            "helm": {
                "releaseName": "greeter",
                "valueFiles": ["$values/argoproj/greeter/values.yaml"],
            },
        },
        ref,
        {"path": "argoproj/greeter/overlays/lolice"},
        namespace="greeter-system",
    )


@pytest.mark.usefixtures("helm_bin")
def test_chart_ref_values_and_kustomize_render_completely(
    repo: Path, chart_repo: ChartRepo, renderer: Renderer
) -> None:
    app = _lolice_like(repo, chart_repo)
    objs = renderer.render(app)
    names = [f"{o['kind']}/{o['metadata']['name']}" for o in objs]
    # Sources in order: the chart (CRD first, as helm prints crds/), then the overlay.
    assert names == [
        "CustomResourceDefinition/widgets.example.com",
        "ConfigMap/greeter-config",
        "ConfigMap/tunnel",
    ]
    assert objs[1]["data"]["greeting"] == "from-git"
    assert objs[1]["data"]["list"] == "x;z"
    assert objs[1]["metadata"]["namespace"] == "greeter-system"
    assert objs[2]["data"] == {"to": "ui"}


@pytest.mark.usefixtures("helm_bin")
def test_ref_source_in_another_repository_is_an_error_naming_it(
    repo: Path, chart_repo: ChartRepo, renderer: Renderer
) -> None:
    app = _lolice_like(repo, chart_repo, ref_repo="https://github.com/someone/else.git")
    with pytest.raises(RenderError) as err:
        renderer.render(app)
    assert "ref source https://github.com/someone/else.git is another repository" in str(err.value)
    assert str(err.value).startswith("app greeter, ")


@pytest.mark.usefixtures("helm_bin")
def test_unknown_ref_is_an_error(repo: Path, chart_repo: ChartRepo, renderer: Renderer) -> None:
    app = application(
        "greeter",
        {
            "repoURL": chart_repo.url,
            "chart": "greeter",
            "targetRevision": "0.1.0",
            "helm": {"valueFiles": ["$nope/values.yaml"]},
        },
        {"ref": "values"},
    )
    with pytest.raises(
        RenderError, match=r"value file '\$nope/values.yaml': no source has ref: nope"
    ):
        renderer.render(app)


def test_source_from_another_repository_cannot_be_rendered(repo: Path, renderer: Renderer) -> None:
    write(repo, "argoproj/a/cm.yaml", configmap("a"))
    app = application(
        "mixed",
        {"path": "argoproj/a"},
        {"repoURL": "https://github.com/other/infra.git", "path": "argoproj/a"},
    )
    with pytest.raises(RenderError) as err:
        renderer.render(app)
    assert str(err.value) == (
        "app mixed, argoproj/mixed/application.yaml: source https://github.com/other/infra.git "
        "is another repository; only this repository's sources and Helm chart repositories "
        "can be rendered locally"
    )
