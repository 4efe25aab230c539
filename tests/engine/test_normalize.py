"""Each pre-diff normalization turns a would-be difference into none (and only that)."""

from __future__ import annotations

from typing import Any

from argodiff.engine import diff_app
from argodiff.model import ArgoSettings, Manifest
from tests.engine import objects as o


def _diff(target: Manifest, live: Manifest, settings: ArgoSettings | None = None) -> list[Any]:
    return diff_app(o.app(), [target], [live], settings or o.settings())


def _with_namespace(obj: Manifest) -> Manifest:
    obj["metadata"]["namespace"] = o.NS
    return obj


def test_creation_timestamp_is_dropped() -> None:
    target = o.deployment()
    target["metadata"]["creationTimestamp"] = "2020-01-01T00:00:00Z"
    assert _diff(target, o.live_deployment()) == []
    target["metadata"]["labels"]["tier"] = "frontend"
    [result] = _diff(target, o.live_deployment())
    assert result.paths == ["metadata.labels.tier"]
    assert "creationTimestamp" not in "".join(
        line for line in result.diff.splitlines() if line.startswith(("+", "-"))
    )


def _role(group: str, rules: Any) -> Manifest:
    return {
        "apiVersion": f"{group}/v1",
        "kind": "ClusterRole",
        "metadata": {"name": "reader"},
        "rules": rules,
    }


def test_empty_role_rules_equal_null_rules() -> None:
    rbac = "rbac.authorization.k8s.io"
    assert _diff(_role(rbac, []), o.as_live(_role(rbac, None))) == []
    # The rule is specific to RBAC roles: the same shapes in another group differ.
    [result] = _diff(_role("example.com", []), o.as_live(_role("example.com", None)))
    assert result.paths == ["rules"]


def _endpoints(addresses: list[str], ports: list[dict[str, Any]]) -> Manifest:
    return {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": "external-db", "namespace": o.NS},
        "subsets": [{"addresses": [{"ip": ip} for ip in addresses], "ports": ports}],
    }


def test_endpoints_are_sorted_and_ports_default_to_tcp() -> None:
    target = _endpoints(["10.0.0.2", "10.0.0.1"], [{"port": 5432, "name": "pg"}])
    live = o.as_live(
        _endpoints(["10.0.0.1", "10.0.0.2"], [{"port": 5432, "name": "pg", "protocol": "TCP"}])
    )
    assert _diff(target, live) == []
    changed = _endpoints(["10.0.0.3", "10.0.0.1"], [{"port": 5432, "name": "pg"}])
    [result] = _diff(changed, live)
    assert result.paths == ["subsets[0].addresses[1].ip"]


def _limits(api_version: str, kind: str, cpu: Any, memory: Any) -> Manifest:
    return {
        "apiVersion": api_version,
        "kind": kind,
        "metadata": {"name": "q", "namespace": o.NS},
        "spec": {"hard": {"cpu": cpu, "memory": memory}},
    }


def test_quantities_of_built_in_kinds_are_canonical() -> None:
    target = _limits("v1", "ResourceQuota", 2, "2048Mi")
    assert _diff(target, o.as_live(_limits("v1", "ResourceQuota", "2", "2Gi"))) == []
    # Custom resources are not remarshalled by Argo CD: the same spellings differ there.
    crd_target = _limits("example.com/v1", "Quota", 2, "2048Mi")
    [result] = _diff(crd_target, o.as_live(_limits("example.com/v1", "Quota", "2", "2Gi")))
    assert result.paths == ["spec.hard.cpu", "spec.hard.memory"]


def test_empty_fields_of_built_in_kinds_are_dropped_but_not_inside_free_form_maps() -> None:
    target = o.deployment()
    pod = target["spec"]["template"]["spec"]
    pod.update({"tolerations": [], "initContainers": [], "hostname": "", "affinity": None})
    assert _diff(target, o.live_deployment()) == []
    config: Manifest = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "flags", "namespace": o.NS},
        "data": {"enabled": "true", "empty": ""},
    }
    live = {**o.as_live(config), "data": {"enabled": "true"}}
    [result] = _diff(config, live)
    assert result.paths == ["data.empty"]


def test_empty_fields_of_custom_resources_are_kept() -> None:
    target = o.certificate()
    target["spec"]["dnsNames"] = []
    [result] = _diff(target, o.live_certificate())
    assert result.paths == ["spec.dnsNames[0]"]


def _adopted(label_value: str) -> Manifest:
    """Live object applied by an Argo CD that tracked by label (no tracking annotation)."""
    live = o.live_service()
    del live["metadata"]["annotations"][o.TRACKING]
    live["metadata"]["labels"] = {"app.kubernetes.io/instance": label_value}
    return live


def test_label_tracked_live_object_does_not_show_tracking_changes() -> None:
    assert _diff(o.service(), _adopted("web")) == []
    # Argo CD only normalizes when the live label has a value.
    [result] = _diff(o.service(), _adopted(""))
    assert result.paths == ['metadata.annotations["argocd.argoproj.io/tracking-id"]']


def test_secret_string_data_compares_as_base64_data() -> None:
    assert _diff(o.secret(), o.live_secret()) == []
    [result] = _diff(o.secret("another-password"), o.live_secret())
    assert result.notes == ["data.password: value changed (hidden)"]


def _rollout(cpu: str) -> Manifest:
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Rollout",
        "metadata": {"name": "web", "namespace": o.NS},
        "spec": {
            "template": {
                "spec": {
                    "containers": [{"name": "app", "resources": {"limits": {"cpu": cpu}}}],
                    "tolerations": [],
                }
            }
        },
    }


def test_rollout_pod_templates_are_normalized_like_pod_specs() -> None:
    live = o.as_live(_rollout("500m"))
    del live["spec"]["template"]["spec"]["tolerations"]
    assert _diff(_rollout("0.5"), live) == []
    [result] = _diff(_rollout("0.6"), live)
    assert result.paths == ["spec.template.spec.containers[name=app].resources.limits.cpu"]
