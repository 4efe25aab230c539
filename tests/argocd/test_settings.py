"""settings(): what the diff takes from Argo CD's configuration."""

from __future__ import annotations

from typing import Any

import pytest
import responses

from argodiff.argocd import TokenRejected, UnexpectedAnswer
from argodiff.argocd.settings import override_group_kind
from argodiff.model import ArgoSettings, IgnoreRule
from tests.argocd.conftest import SERVER, add_probe, client_for

# As Argo CD v3.5 sends it: ignoreDifferences is a YAML string (custom MarshalJSON).
LOGGED_IN: dict[str, Any] = {
    "url": "https://argocd.example.com",
    "appLabelKey": "argocd.argoproj.io/instance",
    "trackingMethod": "annotation+label",
    "installationID": "lolice",
    "controllerNamespace": "argocd",
    "resourceOverrides": {
        "*/*": {
            "ignoreDifferences": "jqPathExpressions: null\njsonPointers:\n- /status\n"
            "managedFieldsManagers: null\n",
            "ignoreResourceUpdates": "jsonPointers: null\n",
        },
        "apps/Deployment": {
            "health.lua": "return {}",
            "ignoreDifferences": "jqPathExpressions:\n- .spec.template.spec.containers[].env\n"
            "jsonPointers:\n- /spec/replicas\nmanagedFieldsManagers:\n- kube-controller-manager\n",
        },
        "Service": {"ignoreDifferences": "jsonPointers:\n- /spec/clusterIP\n"},
        "argoproj.io/Rollout": {"health.lua": "return {}"},
        "ConfigMap": {"ignoreDifferences": "jqPathExpressions: null\njsonPointers: null\n"},
    },
}


def settings_for(mock: responses.RequestsMock, body: dict[str, Any], version: str) -> ArgoSettings:
    add_probe(mock, version=version)
    mock.get(f"{SERVER}/api/v1/settings", json=body)
    return client_for().settings()


def test_settings_parse_yaml_string_overrides(mock: responses.RequestsMock) -> None:
    got = settings_for(mock, LOGGED_IN, "v3.5.1+109ca7c")

    assert got == ArgoSettings(
        app_label_key="argocd.argoproj.io/instance",
        tracking_method="annotation+label",
        installation_id="lolice",
        controller_namespace="argocd",
        resource_overrides={
            "*/*": IgnoreRule(group="*", kind="*", json_pointers=("/status",)),
            "apps/Deployment": IgnoreRule(
                group="apps",
                kind="Deployment",
                json_pointers=("/spec/replicas",),
                jq_path_expressions=(".spec.template.spec.containers[].env",),
                managed_fields_managers=("kube-controller-manager",),
            ),
            "Service": IgnoreRule(group="", kind="Service", json_pointers=("/spec/clusterIP",)),
        },
    )


@pytest.mark.parametrize(
    ("version", "method"),
    [
        ("v3.0.6+db93798", "annotation"),  # v3.0.x sends "" but already tracks by annotation
        ("v3.5.1+109ca7c", "annotation"),
        ("v2.14.11+8283115", "label"),
        ("v2.10.0", "label"),
    ],
)
def test_empty_tracking_method_follows_the_version(
    mock: responses.RequestsMock, version: str, method: str
) -> None:
    body = {"controllerNamespace": "argocd", "resourceOverrides": {}, "trackingMethod": ""}
    got = settings_for(mock, body, version)

    assert got.tracking_method == method
    assert got.app_label_key == "app.kubernetes.io/instance"


def test_settings_without_resource_overrides_mean_the_token_was_not_accepted(
    mock: responses.RequestsMock,
) -> None:
    anonymous = {
        k: v for k, v in LOGGED_IN.items() if k not in ("resourceOverrides", "controllerNamespace")
    }
    with pytest.raises(TokenRejected) as err:
        settings_for(mock, anonymous, "v3.5.1")
    assert str(err.value) == (
        "Argo CD rejected the token (401): the settings came back as for an anonymous caller"
        " (no resourceOverrides). Check ARGOCD_AUTH_TOKEN: it must be an API token of the"
        " github-actions account, not expired or revoked."
    )


def test_logged_in_install_without_any_override(mock: responses.RequestsMock) -> None:
    """`ignoreResourceStatusField: none` and no customizations: Go omits the empty map."""
    got = settings_for(mock, {"controllerNamespace": "argocd"}, "v3.5.1")
    assert got.resource_overrides == {}


@pytest.mark.parametrize(
    ("overrides", "detail"),
    [
        ({"apps/Deployment": {"ignoreDifferences": "jsonPointers: [\n"}}, "invalid YAML"),
        ({"apps/Deployment": {"ignoreDifferences": "- /spec\n"}}, "is not one YAML mapping"),
        ({"a/b/C": {"ignoreDifferences": "jsonPointers: [/x]\n"}}, "neither <group>/<kind>"),
    ],
)
def test_unreadable_override_is_named(
    mock: responses.RequestsMock, overrides: dict[str, Any], detail: str
) -> None:
    with pytest.raises(UnexpectedAnswer) as err:
        settings_for(mock, {"controllerNamespace": "argocd", "resourceOverrides": overrides}, "v3")
    assert str(err.value).startswith("unexpected answer from /api/v1/settings: ")
    assert detail in str(err.value)


@pytest.mark.parametrize(
    ("key", "group_kind"),
    [
        ("apps/Deployment", ("apps", "Deployment")),
        ("Service", ("", "Service")),
        ("*/*", ("*", "*")),
    ],
)
def test_override_keys(key: str, group_kind: tuple[str, str]) -> None:
    assert override_group_kind(key) == group_kind
