"""Bad input gives one clear error naming the app, the file or tool, and the tool's message."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

import pytest

from argodiff import command
from argodiff.errors import AppError
from argodiff.render import Renderer
from argodiff.repo.identity import RepoIdentity
from tests.render.conftest import ChartRepo, application, configmap, make_chart, write


def _error(renderer: Renderer, app_name: str, source: dict[str, Any]) -> str:
    with pytest.raises(AppError) as err:
        renderer.render(application(app_name, source))
    assert err.value.app == app_name
    return str(err.value)


def test_invalid_yaml_in_a_directory_source(repo: Path, renderer: Renderer) -> None:
    write(repo, "argoproj/plain/ok.yaml", configmap("ok"))
    write(repo, "argoproj/plain/bad.yaml", "kind: ConfigMap\nmetadata: {name: [unclosed\n")
    message = _error(renderer, "plain", {"path": "argoproj/plain"})
    assert message.startswith("app plain, argoproj/plain/bad.yaml: invalid YAML: ")


def test_missing_path(repo: Path, renderer: Renderer) -> None:
    message = _error(renderer, "gone", {"path": "argoproj/gone"})
    assert message == "app gone, argoproj/gone: source path 'argoproj/gone' does not exist"


def test_path_outside_the_repository(repo: Path, renderer: Renderer) -> None:
    message = _error(renderer, "escape", {"path": "../../etc"})
    assert message == "app escape, ../../etc: source path '../../etc' points outside the repository"


def test_kustomize_failure_shows_kustomize_message(repo: Path, renderer: Renderer) -> None:
    write(repo, "argoproj/k/kustomization.yaml", "resources: [missing.yaml]\n")
    message = _error(renderer, "k", {"path": "argoproj/k"})
    assert message.startswith("app k, argoproj/k: kubectl: accumulating resources")
    assert "missing.yaml" in message
    assert str(repo) not in message  # paths are shown relative to the checkout


def test_kustomization_cycle(repo: Path, renderer: Renderer) -> None:
    write(repo, "argoproj/a/kustomization.yaml", "resources: [../b]\n")
    write(repo, "argoproj/b/kustomization.yaml", "resources: [../a]\n")
    message = _error(renderer, "cycle", {"path": "argoproj/a"})
    assert message.startswith("app cycle, argoproj/a: kubectl: ")
    assert "cycle detected" in message


def test_kustomize_options_on_a_directory_without_kustomization(
    repo: Path, renderer: Renderer
) -> None:
    write(repo, "argoproj/plain/cm.yaml", configmap("a"))
    message = _error(renderer, "p", {"path": "argoproj/plain", "kustomize": {"namePrefix": "x-"}})
    assert message == "app p, argoproj/plain: no kustomization.yaml in the source path"


def test_missing_binary(repo: Path, renderer: Renderer, monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo, "argoproj/k/kustomization.yaml", "resources: []\n")
    # A PATH with no kubectl, kustomize or helm.
    monkeypatch.setattr(command, "_environment", {**os.environ, "PATH": str(repo)})
    message = _error(renderer, "k", {"path": "argoproj/k"})
    assert message == (
        "app k, argoproj/k: kubectl: not installed (not found on PATH); kustomize sources need"
        " kustomize or kubectl (`kubectl kustomize`) on PATH: see"
        " https://kubectl.docs.kubernetes.io/installation/kustomize/ or"
        " https://kubernetes.io/docs/tasks/tools/"
    )


def test_plugin_source_cannot_be_rendered(repo: Path, renderer: Renderer) -> None:
    write(repo, "argoproj/cmp/cm.yaml", configmap("a"))
    message = _error(renderer, "cmp", {"path": "argoproj/cmp", "plugin": {"name": "sops"}})
    assert message == (
        "app cmp, argoproj/cmp: config management plugin sources cannot be rendered locally"
    )


def test_two_explicit_source_types(repo: Path, renderer: Renderer) -> None:
    write(repo, "argoproj/x/cm.yaml", configmap("a"))
    source = {"path": "argoproj/x", "helm": {"releaseName": "x"}, "directory": {"recurse": True}}
    message = _error(renderer, "x", source)
    assert message.endswith("multiple application sources defined: Helm,Directory")


def test_an_all_zero_options_block_does_not_choose_the_type(repo: Path, renderer: Renderer) -> None:
    write(repo, "argoproj/k/kustomization.yaml", "resources: [cm.yaml]\n")
    write(repo, "argoproj/k/cm.yaml", configmap("k"))
    source = {"path": "argoproj/k", "helm": {"skipCrds": False}, "directory": {"recurse": False}}
    assert [o["metadata"]["name"] for o in renderer.render(application("k", source))] == ["k"]


def test_jsonnet_is_refused(repo: Path, renderer: Renderer) -> None:
    write(repo, "argoproj/j/main.jsonnet", "{}")
    message = _error(renderer, "j", {"path": "argoproj/j"})
    assert message == "app j, argoproj/j/main.jsonnet: Jsonnet sources cannot be rendered locally"


def test_application_without_source(repo: Path, renderer: Renderer) -> None:
    app = application("empty", {"path": "x"})
    app.sources = []
    with pytest.raises(AppError) as err:
        renderer.render(app)
    assert str(err.value) == "app empty, argoproj/empty/application.yaml: Application has no source"


@pytest.mark.usefixtures("helm_bin")
def test_helm_template_failure_shows_helm_message(repo: Path, renderer: Renderer) -> None:
    make_chart(repo / "argoproj", "greeter")
    write(repo, "argoproj/greeter/templates/bad.yaml", '{{ fail "replicas must be set" }}\n')
    message = _error(renderer, "greeter", {"path": "argoproj/greeter"})
    assert message.startswith("app greeter, argoproj/greeter: helm: ")
    assert "replicas must be set" in message


@pytest.mark.usefixtures("helm_bin")
def test_value_file_outside_the_repository(repo: Path, renderer: Renderer) -> None:
    make_chart(repo / "argoproj", "greeter")
    source = {"path": "argoproj/greeter", "helm": {"valueFiles": ["../../../secrets.yaml"]}}
    message = _error(renderer, "greeter", source)
    assert message == (
        "app greeter, argoproj/greeter: value file '../../../secrets.yaml' points outside "
        "the repository"
    )


@pytest.mark.usefixtures("helm_bin")
def test_chart_repository_that_does_not_answer(renderer: Renderer) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # The port is closed now: nothing listens there.
    url = f"http://127.0.0.1:{port}"
    source = {"repoURL": url, "chart": "greeter", "targetRevision": "1.0.0"}
    message = _error(renderer, "remote", source)
    assert message == (
        f"app remote, argoproj/remote/application.yaml: chart repository {url} cannot be "
        f"reached: connection to 127.0.0.1:{port} refused"
    )


def test_chart_or_version_not_in_the_repository(chart_repo: ChartRepo, renderer: Renderer) -> None:
    source = {"repoURL": chart_repo.url, "chart": "nope", "targetRevision": "1.0.0"}
    message = _error(renderer, "remote", source)
    assert message.startswith(
        f"app remote, argoproj/remote/application.yaml: cannot get chart nope 1.0.0 from "
        f"{chart_repo.url}: helm: "
    )
    assert "nope" in message.split("helm: ", 1)[1]
    source = {"repoURL": chart_repo.url, "chart": "greeter", "targetRevision": "9.9.9"}
    message = _error(renderer, "remote", source)
    assert "9.9.9" in message.split("helm: ", 1)[1]


@pytest.mark.usefixtures("helm_bin")
def test_chart_repository_that_accepts_but_never_answers(repo: Path, tmp_path: Path) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # connections complete in the kernel, but nothing ever replies
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        identity = RepoIdentity.of_checkout(repo)
        with Renderer(repo, identity=identity, timeout=1) as quick:
            source = {"repoURL": url, "chart": "greeter", "targetRevision": "1.0.0"}
            with pytest.raises(AppError) as err:
                quick.render(application("remote", source))
    assert str(err.value) == (
        f"app remote, argoproj/remote/application.yaml: cannot get chart greeter 1.0.0 from "
        f"{url}: helm: timed out after 1 s"
    )
