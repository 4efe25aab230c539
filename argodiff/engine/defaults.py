"""The common Kubernetes API defaults, applied after a merge to both sides.

gitops-engine runs the scheme's defaulting on the predicted and the live object after a
strategic merge, so deleting e.g. `imagePullPolicy` from Git predicts the server default, not
a missing field. This is a table of the defaults a diff meets in practice (see
argocd-api.md §4.3 gap 1); only missing fields are filled.
"""

from __future__ import annotations

import copy
from typing import Any

from argodiff.engine.kinds import group_kind
from argodiff.model import Manifest

_POD_TEMPLATE = {
    ("apps", "Deployment"): ("spec", "template", "spec"),
    ("apps", "StatefulSet"): ("spec", "template", "spec"),
    ("apps", "DaemonSet"): ("spec", "template", "spec"),
    ("apps", "ReplicaSet"): ("spec", "template", "spec"),
    ("batch", "Job"): ("spec", "template", "spec"),
    ("batch", "CronJob"): ("spec", "jobTemplate", "spec", "template", "spec"),
    ("", "Pod"): ("spec",),
}
_POD = {
    "restartPolicy": "Always",
    "dnsPolicy": "ClusterFirst",
    "schedulerName": "default-scheduler",
    "terminationGracePeriodSeconds": 30,
    "securityContext": {},
}
_CONTAINER = {
    "terminationMessagePath": "/dev/termination-log",
    "terminationMessagePolicy": "File",
}
_WORKLOAD: dict[tuple[str, str], dict[str, Any]] = {
    ("apps", "Deployment"): {
        "replicas": 1,
        "revisionHistoryLimit": 10,
        "progressDeadlineSeconds": 600,
    },
    ("apps", "StatefulSet"): {
        "replicas": 1,
        "revisionHistoryLimit": 10,
        "podManagementPolicy": "OrderedReady",
    },
    ("apps", "DaemonSet"): {"revisionHistoryLimit": 10},
}
_ROLLING_UPDATE: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {
    ("apps", "Deployment"): ("strategy", {"maxSurge": "25%", "maxUnavailable": "25%"}),
    ("apps", "StatefulSet"): ("updateStrategy", {"partition": 0}),
    ("apps", "DaemonSet"): ("updateStrategy", {"maxSurge": 0, "maxUnavailable": 1}),
}


def _fill(node: dict[str, Any], defaults: dict[str, Any]) -> None:
    for key, value in defaults.items():
        node.setdefault(key, copy.deepcopy(value))


def _strategy(spec: dict[str, Any], field: str, rolling: dict[str, Any]) -> None:
    """The update strategy defaults to RollingUpdate; only that type gets rollingUpdate."""
    strategy = spec.setdefault(field, {})
    if not isinstance(strategy, dict):
        return
    strategy.setdefault("type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        current = strategy.setdefault("rollingUpdate", {})
        if isinstance(current, dict):
            _fill(current, rolling)


def _dig(obj: Any, path: tuple[str, ...]) -> dict[str, Any] | None:
    for part in path:
        obj = obj.get(part) if isinstance(obj, dict) else None
    return obj if isinstance(obj, dict) else None


def image_pull_policy(image: str) -> str:
    """Always for `:latest` or untagged images, else IfNotPresent (core/v1 defaults)."""
    if "@" in image:
        return "IfNotPresent"
    last = image.rsplit("/", 1)[-1]
    tag = last.rpartition(":")[2] if ":" in last else ""
    return "Always" if tag in ("", "latest") else "IfNotPresent"


def _ports(ports: Any) -> None:
    for port in ports if isinstance(ports, list) else []:
        if isinstance(port, dict):
            port.setdefault("protocol", "TCP")


def _field_refs(env: Any) -> None:
    """ObjectFieldSelector.apiVersion defaults to v1 (it is an atomic map under server-side
    apply, so a config without it replaces live's and the default comes back)."""
    for var in env if isinstance(env, list) else []:
        ref = _dig(var, ("valueFrom", "fieldRef"))
        if ref is not None:
            ref.setdefault("apiVersion", "v1")


def _pod_spec(spec: dict[str, Any]) -> None:
    _fill(spec, _POD)
    for field in ("containers", "initContainers"):
        containers = spec.get(field)
        for container in containers if isinstance(containers, list) else []:
            if not isinstance(container, dict):
                continue
            _fill(container, _CONTAINER)
            if isinstance(container.get("image"), str):
                container.setdefault("imagePullPolicy", image_pull_policy(container["image"]))
            _ports(container.get("ports"))
            _field_refs(container.get("env"))


def _service(spec: dict[str, Any]) -> None:
    spec.setdefault("type", "ClusterIP")
    if spec["type"] != "ExternalName":
        spec.setdefault("sessionAffinity", "None")
        spec.setdefault("internalTrafficPolicy", "Cluster")
    ports = spec.get("ports")
    _ports(ports)
    for port in ports if isinstance(ports, list) else []:
        if isinstance(port, dict) and "port" in port:
            port.setdefault("targetPort", port["port"])


_WEBHOOK = {
    "failurePolicy": "Fail",
    "matchPolicy": "Equivalent",
    "namespaceSelector": {},
    "objectSelector": {},
    "timeoutSeconds": 10,
}


def _webhooks(obj: Manifest, mutating: bool) -> None:
    """admissionregistration/v1 defaults; cert-manager's injected caBundle is live-only and
    survives because webhooks merge by name."""
    webhooks = obj.get("webhooks")
    for hook in webhooks if isinstance(webhooks, list) else []:
        if not isinstance(hook, dict):
            continue
        _fill(hook, _WEBHOOK)
        if mutating:
            hook.setdefault("reinvocationPolicy", "Never")
        rules = hook.get("rules")
        for rule in rules if isinstance(rules, list) else []:
            if isinstance(rule, dict):
                rule.setdefault("scope", "*")


def apply_defaults(obj: Manifest) -> None:
    """Fill the table's defaults into a built-in object, in place."""
    gk = group_kind(obj)
    if gk[0] == "admissionregistration.k8s.io" and gk[1].endswith("WebhookConfiguration"):
        _webhooks(obj, gk[1].startswith("Mutating"))
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    if gk in _WORKLOAD:
        _fill(spec, _WORKLOAD[gk])
        _strategy(spec, *_ROLLING_UPDATE[gk])
    if gk in _POD_TEMPLATE:
        pod = _dig(obj, _POD_TEMPLATE[gk])
        if pod is not None:
            _pod_spec(pod)
    elif gk == ("", "Service"):
        _service(spec)
