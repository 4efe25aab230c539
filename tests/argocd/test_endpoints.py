"""The calls the pipeline makes: what they send and what they return."""

from __future__ import annotations

from typing import Any

import pytest
import responses

from argodiff.application import application_from_manifest
from argodiff.argocd import UnexpectedAnswer
from argodiff.errors import AppError
from argodiff.model import Application, LiveResource, ResourceKey
from tests.argocd.conftest import SERVER, application, connected, query, state

GIT = "https://github.com/example/lolice.git"
DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "grafana", "namespace": "monitoring"},
    "spec": {"replicas": 1},
}


def app(name: str = "grafana", *, sources: list[dict[str, Any]] | None = None) -> Application:
    return application_from_manifest(application(name, project="monitoring", sources=sources))


def multi_source_app() -> Application:
    return app(
        "prometheus",
        sources=[
            {"repoURL": "https://prometheus-community.github.io/helm-charts", "chart": "kps"},
            {"repoURL": GIT, "ref": "values", "targetRevision": "main"},
            {"repoURL": GIT, "path": "argoproj/prometheus/overlays", "targetRevision": "main"},
        ],
    )


def test_get_application(mock: responses.RequestsMock) -> None:
    client = connected(mock, app_namespace="argocd")
    mock.get(f"{SERVER}/api/v1/applications/grafana", json=application("grafana"))

    got = client.get_application("grafana", project="monitoring")

    assert got.name == "grafana"
    assert got.sync_status == "Synced"
    assert got.health_status == "Healthy"
    assert query(mock.calls[-1]) == [("appNamespace", "argocd"), ("project", "monitoring")]


def test_a_broken_application_names_it(mock: responses.RequestsMock) -> None:
    client = connected(mock)
    broken = {"metadata": {"name": "loki"}, "spec": {"project": "x"}}
    mock.get(f"{SERVER}/api/v1/applications/loki", json=broken)

    with pytest.raises(UnexpectedAnswer) as err:
        client.get_application("loki")
    assert str(err.value) == (
        "app loki: unexpected answer from /api/v1/applications/loki:"
        " spec.source or spec.sources is required"
    )


def test_managed_resources(mock: responses.RequestsMock) -> None:
    client = connected(mock)
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "old"}}
    items = [
        {
            "group": "apps",
            "kind": "Deployment",
            "namespace": "monitoring",
            "name": "grafana",
            "normalizedLiveState": state(DEPLOYMENT),
            "targetState": state(DEPLOYMENT),
        },
        # Live only (extraneous): target is "null".
        {
            "kind": "ConfigMap",
            "name": "old",
            "normalizedLiveState": state(cm),
            "targetState": "null",
        },
        # Not in the cluster yet: live is "null".
        {"kind": "Namespace", "name": "new", "normalizedLiveState": "null", "targetState": "{}"},
        {"kind": "Job", "name": "migrate", "hook": True, "targetState": "{}"},
    ]
    mock.get(f"{SERVER}/api/v1/applications/grafana/managed-resources", json={"items": items})

    got = client.managed_resources(app())

    assert got == [
        LiveResource(
            ResourceKey("apps", "Deployment", "monitoring", "grafana"), DEPLOYMENT, DEPLOYMENT
        ),
        LiveResource(ResourceKey("", "ConfigMap", "", "old"), cm, None),
        LiveResource(ResourceKey("", "Namespace", "", "new"), None, {}),
    ]
    assert query(mock.calls[-1]) == [("appNamespace", "argocd"), ("project", "monitoring")]


def test_managed_resources_with_a_malformed_state(mock: responses.RequestsMock) -> None:
    client = connected(mock)
    items = [{"kind": "Service", "name": "x", "normalizedLiveState": '{"kind": "Serv'}]
    mock.get(f"{SERVER}/api/v1/applications/grafana/managed-resources", json={"items": items})

    with pytest.raises(UnexpectedAnswer) as err:
        client.managed_resources(app())
    assert str(err.value).startswith(
        "app grafana: unexpected answer from /api/v1/applications/grafana/managed-resources:"
        " /Service /x: invalid JSON"
    )


def test_manifests_single_source_at_a_revision(mock: responses.RequestsMock) -> None:
    client = connected(mock)
    mock.get(
        f"{SERVER}/api/v1/applications/grafana/manifests",
        json={"manifests": [state(DEPLOYMENT), state({"kind": "Service", "apiVersion": "v1"})]},
    )

    got = client.manifests(app(), revision="0123abcd")

    assert got == [DEPLOYMENT, {"kind": "Service", "apiVersion": "v1"}]
    assert query(mock.calls[-1]) == [
        ("appNamespace", "argocd"),
        ("project", "monitoring"),
        ("revision", "0123abcd"),
    ]


def test_manifests_without_revision_are_the_current_target(mock: responses.RequestsMock) -> None:
    client = connected(mock)
    mock.get(f"{SERVER}/api/v1/applications/grafana/manifests", json={})

    assert client.manifests(app()) == []
    assert query(mock.calls[-1]) == [("appNamespace", "argocd"), ("project", "monitoring")]


def test_manifests_multi_source_repeats_revisions_and_positions(
    mock: responses.RequestsMock,
) -> None:
    client = connected(mock)
    mock.get(f"{SERVER}/api/v1/applications/prometheus/manifests", json={"manifests": []})

    client.manifests(multi_source_app(), revision="ignored", source_revisions={3: "pr", 2: "pr"})

    # Argo CD pairs revisions[i] with sourcePositions[i]; `revision` means nothing here.
    assert query(mock.calls[-1]) == [
        ("appNamespace", "argocd"),
        ("project", "monitoring"),
        ("revisions", "pr"),
        ("revisions", "pr"),
        ("sourcePositions", "2"),
        ("sourcePositions", "3"),
    ]


def test_manifests_source_position_out_of_range(mock: responses.RequestsMock) -> None:
    client = connected(mock)
    with pytest.raises(AppError) as err:
        client.manifests(multi_source_app(), source_revisions={4: "pr"})
    assert str(err.value) == "app prometheus: source position 4 is out of range (1..3)"


def test_app_namespace_setting_wins_over_the_file_default(mock: responses.RequestsMock) -> None:
    client = connected(mock, app_namespace="apps")
    mock.get(f"{SERVER}/api/v1/applications/grafana/manifests", json={})

    client.manifests(app())

    assert ("appNamespace", "apps") in query(mock.calls[-1])
    assert client.app_url(app()) == f"{SERVER}/applications/apps/grafana"


def test_names_are_quoted_in_paths(mock: responses.RequestsMock) -> None:
    client = connected(mock)
    mock.get(f"{SERVER}/api/v1/applications/a%2Fb", json=application("a"))

    assert client.get_application("a/b").name == "a"
