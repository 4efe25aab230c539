"""The predicted live object: three-way deletions, strategic merge keys, defaults."""

from __future__ import annotations

import json

from argodiff.engine import diff_app
from argodiff.model import Change, Manifest, ResourceDiff
from tests.engine import objects as o


def _diff(target: Manifest, live: Manifest) -> list[ResourceDiff]:
    return diff_app(o.app(), [target], [live], o.settings())


def _set_last_applied(live: Manifest, applied: Manifest) -> Manifest:
    applied = o.clone(applied)
    applied["metadata"].setdefault("annotations", {})[o.TRACKING] = live["metadata"]["annotations"][
        o.TRACKING
    ]
    live["metadata"]["annotations"][o.LAST_APPLIED] = json.dumps(applied)
    return live


def test_three_way_detects_a_field_deleted_from_git() -> None:
    before = o.deployment()
    before["metadata"]["labels"]["tier"] = "frontend"
    live = _set_last_applied(o.live_deployment(), before)
    live["metadata"]["labels"]["tier"] = "frontend"
    [result] = _diff(o.deployment(), live)
    assert result.change is Change.MODIFIED
    assert result.paths == ["metadata.labels.tier"]
    assert "-    tier: frontend" in result.diff


def test_two_way_leaves_fields_only_live_has() -> None:
    live = o.live_deployment()
    del live["metadata"]["annotations"][o.LAST_APPLIED]
    live["metadata"]["labels"]["added-by-someone"] = "yes"
    assert _diff(o.deployment(), live) == []


def test_invalid_last_applied_falls_back_to_two_way() -> None:
    live = o.live_deployment()
    live["metadata"]["labels"]["tier"] = "frontend"
    live["metadata"]["annotations"][o.LAST_APPLIED] = "{not json"
    assert _diff(o.deployment(), live) == []


def test_reordered_containers_are_not_a_difference() -> None:
    target = o.deployment()
    containers = target["spec"]["template"]["spec"]["containers"]
    containers.reverse()
    assert _diff(target, o.live_deployment()) == []


def test_lists_of_custom_resources_are_replaced_whole() -> None:
    target = o.certificate()
    target["spec"]["dnsNames"] = ["www.example.com", "web.example.com"]
    live = o.live_certificate()
    live["spec"]["dnsNames"] = ["web.example.com", "www.example.com"]
    [result] = _diff(target, live)
    assert result.paths == ["spec.dnsNames[0]", "spec.dnsNames[1]"]


def test_env_merges_by_name_and_injected_items_stay() -> None:
    live = o.live_deployment()
    pod = live["spec"]["template"]["spec"]
    pod["containers"].append(
        {"name": "istio-proxy", "image": "istio/proxyv2:1.22", "imagePullPolicy": "IfNotPresent"}
    )
    assert _diff(o.deployment(), live) == []
    target = o.deployment()
    target["spec"]["template"]["spec"]["containers"][0]["env"].append(
        {"name": "FEATURE_X", "value": "on"}
    )
    [result] = _diff(target, live)
    assert result.paths == ["spec.template.spec.containers[name=app].env[name=FEATURE_X]"]


def test_a_container_removed_from_git_is_removed_by_three_way() -> None:
    target = o.deployment()
    target["spec"]["template"]["spec"]["containers"].pop()
    [result] = _diff(target, o.live_deployment())
    assert result.paths == ["spec.template.spec.containers[name=sidecar]"]


def test_lists_without_merge_key_are_replaced() -> None:
    target = o.deployment()
    target["spec"]["template"]["spec"]["containers"][0]["args"] = ["--port=8080", "--debug"]
    [result] = _diff(target, o.live_deployment())
    assert result.paths == ["spec.template.spec.containers[name=app].args[1]"]


def test_deleting_a_field_predicts_the_server_default() -> None:
    explicit = o.deployment()
    explicit["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = "IfNotPresent"
    live = _set_last_applied(o.live_deployment(), explicit)
    # The default for a tagged image is IfNotPresent: deleting it changes nothing.
    assert _diff(o.deployment(), live) == []
    explicit["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = "Always"
    live = _set_last_applied(o.live_deployment(), explicit)
    live["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = "Always"
    [result] = _diff(o.deployment(), live)
    assert result.paths == ["spec.template.spec.containers[name=app].imagePullPolicy"]
    assert "+        imagePullPolicy: IfNotPresent" in result.diff


def test_custom_resource_three_way_deletion_and_server_defaults() -> None:
    before = o.certificate()
    live = _set_last_applied(o.live_certificate(), before)
    # rotationPolicy and issuerRef.group were defaulted by the server: not a difference.
    assert _diff(o.certificate(), live) == []
    target = o.certificate()
    del target["spec"]["privateKey"]["size"]
    [result] = _diff(target, live)
    assert result.paths == ["spec.privateKey.size"]


def test_service_port_defaults_and_finalizers_as_a_set() -> None:
    target = o.service()
    del target["spec"]["ports"][0]["targetPort"]
    target["metadata"]["finalizers"] = ["service.kubernetes.io/load-balancer-cleanup"]
    live = o.live_service()
    live["spec"]["ports"][0]["targetPort"] = 80
    live["metadata"]["finalizers"] = [
        "example.com/protect",
        "service.kubernetes.io/load-balancer-cleanup",
    ]
    assert _diff(target, live) == []


def test_statefulset_claim_templates_ignore_server_fields_but_see_changes() -> None:
    target = o.statefulset()
    target["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] = "20Gi"
    [result] = _diff(target, o.live_statefulset())
    assert result.paths == ["spec.volumeClaimTemplates[0].spec.resources.requests.storage"]


def _webhook_config() -> Manifest:
    return {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "MutatingWebhookConfiguration",
        "metadata": {"name": "external-secrets-webhook"},
        "webhooks": [
            {
                "name": "validate.externalsecret.external-secrets.io",
                "admissionReviewVersions": ["v1"],
                "sideEffects": "None",
                "clientConfig": {"service": {"name": "webhook", "namespace": o.NS}},
                "rules": [
                    {
                        "apiGroups": ["external-secrets.io"],
                        "apiVersions": ["v1beta1"],
                        "operations": ["CREATE", "UPDATE"],
                        "resources": ["externalsecrets"],
                    }
                ],
            }
        ],
    }


def test_webhooks_merge_by_name_keeping_an_injected_ca_bundle() -> None:
    live = o.as_live(_webhook_config())
    hook = live["webhooks"][0]
    hook["clientConfig"]["caBundle"] = "LS0tLS1CRUdJTi..."
    hook["clientConfig"]["service"]["port"] = 443
    hook.update(
        {
            "failurePolicy": "Fail",
            "matchPolicy": "Equivalent",
            "namespaceSelector": {},
            "objectSelector": {},
            "reinvocationPolicy": "Never",
            "timeoutSeconds": 10,
        }
    )
    hook["rules"][0]["scope"] = "*"
    assert _diff(_webhook_config(), live) == []
    target = _webhook_config()
    target["webhooks"][0]["rules"][0]["operations"] = ["CREATE"]
    [result] = _diff(target, live)
    assert result.paths == [
        "webhooks[name=validate.externalsecret.external-secrets.io].rules[0].operations[1]"
    ]
