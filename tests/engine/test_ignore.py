"""ignoreDifferences, from the Application and from Argo CD's resource overrides."""

from __future__ import annotations

from typing import Any

from argodiff.engine import diff_app
from argodiff.model import ArgoSettings, IgnoreRule, Manifest
from tests.engine import objects as o


def _scaled_target(replicas: int = 5) -> Manifest:
    target = o.deployment()
    target["spec"]["replicas"] = replicas
    return target


def _diff(rules: list[IgnoreRule], target: Manifest, live: Manifest, **kw: Any) -> list[str]:
    settings: ArgoSettings = kw.pop("settings", o.settings())
    results = diff_app(o.app(ignore_differences=rules), [target], [live], settings)
    return [path for result in results for path in result.paths]


def test_json_pointer_hides_the_field() -> None:
    rule = IgnoreRule(group="apps", kind="Deployment", json_pointers=("/spec/replicas",))
    assert _diff([], _scaled_target(), o.live_deployment()) == ["spec.replicas"]
    assert _diff([rule], _scaled_target(), o.live_deployment()) == []


def test_a_missing_pointer_is_skipped_and_the_others_still_apply() -> None:
    rule = IgnoreRule(
        group="apps", kind="Deployment", json_pointers=("/spec/nothing/here", "/spec/replicas")
    )
    assert _diff([rule], _scaled_target(), o.live_deployment()) == []


def test_jq_expression_hides_one_container_field() -> None:
    target = o.deployment()
    target["spec"]["template"]["spec"]["containers"][1]["image"] = "ghcr.io/example/proxy:2.1"
    expr = '.spec.template.spec.containers[] | select(.name == "sidecar") | .image'
    rule = IgnoreRule(group="apps", kind="Deployment", jq_path_expressions=(expr,))
    assert _diff([], target, o.live_deployment()) == [
        "spec.template.spec.containers[name=sidecar].image"
    ]
    assert _diff([rule], target, o.live_deployment()) == []


def test_a_broken_jq_expression_is_skipped() -> None:
    rule = IgnoreRule(
        group="apps",
        kind="Deployment",
        jq_path_expressions=("this is not jq", ".spec.replicas"),
    )
    assert _diff([rule], _scaled_target(), o.live_deployment()) == []


def _hpa_owned_live(replicas: int) -> Manifest:
    live = o.live_deployment()
    live["spec"]["replicas"] = replicas
    live["metadata"]["managedFields"].append(
        {
            "apiVersion": "apps/v1",
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:spec": {"f:replicas": {}}},
            "manager": "kube-controller-manager",
            "operation": "Update",
            "subresource": "scale",
        }
    )
    return live


def test_managed_fields_managers_hide_fields_they_own() -> None:
    rule = IgnoreRule(
        group="apps", kind="Deployment", managed_fields_managers=("kube-controller-manager",)
    )
    target = _scaled_target(2)
    assert _diff([], target, _hpa_owned_live(7)) == ["spec.replicas"]
    assert _diff([rule], target, _hpa_owned_live(7)) == []
    # Fields the manager does not own still show.
    target["spec"]["template"]["spec"]["containers"][0]["args"] = ["--port=9090"]
    assert _diff([rule], target, _hpa_owned_live(7)) == [
        "spec.template.spec.containers[name=app].args[0]"
    ]


def test_resource_overrides_keyed_group_kind_and_core_kind() -> None:
    target = o.service()
    target["spec"]["sessionAffinity"] = "ClientIP"
    assert _diff([], target, o.live_service()) == ["spec.sessionAffinity"]
    core = IgnoreRule(group="", kind="Service", json_pointers=("/spec/sessionAffinity",))
    assert _diff([], target, o.live_service(), settings=o.settings(Service=core)) == []
    apps = IgnoreRule(group="apps", kind="Deployment", json_pointers=("/spec/replicas",))
    overrides = o.settings(**{"apps/Deployment": apps})
    assert _diff([], _scaled_target(), o.live_deployment(), settings=overrides) == []


def test_group_and_kind_are_globs() -> None:
    matching = IgnoreRule(group="*", kind="Deploy*", json_pointers=("/spec/replicas",))
    other = IgnoreRule(group="*", kind="Stateful*", json_pointers=("/spec/replicas",))
    assert _diff([matching], _scaled_target(), o.live_deployment()) == []
    assert _diff([other], _scaled_target(), o.live_deployment()) == ["spec.replicas"]


def test_name_and_namespace_must_match_when_set() -> None:
    def rule(name: str, namespace: str) -> IgnoreRule:
        return IgnoreRule(
            group="apps",
            kind="Deployment",
            name=name,
            namespace=namespace,
            json_pointers=("/spec/replicas",),
        )

    assert _diff([rule("web", o.NS)], _scaled_target(), o.live_deployment()) == []
    assert _diff([rule("other", "")], _scaled_target(), o.live_deployment()) == ["spec.replicas"]
    assert _diff([rule("", "other")], _scaled_target(), o.live_deployment()) == ["spec.replicas"]


def test_maps_emptied_by_the_removal_are_removed() -> None:
    target = o.certificate()
    target["metadata"]["labels"] = {"team": "platform"}
    rule = IgnoreRule(
        group="cert-manager.io", kind="Certificate", json_pointers=("/metadata/labels/team",)
    )
    # Without the cleanup the target would keep `labels: {}`, which live does not have.
    assert _diff([rule], target, o.live_certificate()) == []
    assert _diff([], target, o.live_certificate()) == ["metadata.labels"]
