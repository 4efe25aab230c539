"""What the Kubernetes API server adds to an object on create (pkg/apis/*/v1/defaults.go).

Only the defaults a GitOps diff keeps tripping over; each is applied only where the field is
absent, so running it twice changes nothing.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Callable
from typing import Any

from tests.simulator.kube import Obj, group_of

SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/12")


def _container(c: Obj) -> None:
    image = str(c.get("image") or "")
    tag = image.rpartition("/")[2]
    latest = "@" not in tag and (":" not in tag or tag.endswith(":latest"))
    c.setdefault("imagePullPolicy", "Always" if latest else "IfNotPresent")
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    c.setdefault("resources", {})
    for port in c.get("ports") or []:
        port.setdefault("protocol", "TCP")
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        p = c.get(probe)
        if isinstance(p, dict):
            p.setdefault("timeoutSeconds", 1)
            p.setdefault("periodSeconds", 10)
            p.setdefault("successThreshold", 1)
            p.setdefault("failureThreshold", 3)
            if isinstance(p.get("httpGet"), dict):
                p["httpGet"].setdefault("scheme", "HTTP")
                p["httpGet"].setdefault("path", "/")
    for env in c.get("env") or []:
        field_ref = (env.get("valueFrom") or {}).get("fieldRef")
        if isinstance(field_ref, dict):
            field_ref.setdefault("apiVersion", "v1")


def pod_spec(spec: Obj) -> None:
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("securityContext", {})
    spec.setdefault("terminationGracePeriodSeconds", 30)
    for c in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        _container(c)
    for vol in spec.get("volumes") or []:
        for kind in ("configMap", "secret"):
            if isinstance(vol.get(kind), dict):
                vol[kind].setdefault("defaultMode", 420)


def _template(spec: Obj) -> None:
    template = spec.get("template")
    if isinstance(template, dict):
        template.setdefault("metadata", {}).setdefault("creationTimestamp", None)
        pod_spec(template.setdefault("spec", {}))


def deployment(obj: Obj) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)
    strategy = spec.setdefault("strategy", {"type": "RollingUpdate"})
    if strategy.get("type", "RollingUpdate") == "RollingUpdate":
        strategy.setdefault("type", "RollingUpdate")
        rolling = strategy.setdefault("rollingUpdate", {})
        rolling.setdefault("maxSurge", "25%")
        rolling.setdefault("maxUnavailable", "25%")
    _template(spec)


def statefulset(obj: Obj) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("podManagementPolicy", "OrderedReady")
    update = spec.setdefault("updateStrategy", {"type": "RollingUpdate"})
    if update.get("type") == "RollingUpdate":
        update.setdefault("rollingUpdate", {"partition": 0})
    spec.setdefault(
        "persistentVolumeClaimRetentionPolicy", {"whenDeleted": "Retain", "whenScaled": "Retain"}
    )
    for pvc in spec.get("volumeClaimTemplates") or []:
        pvc.setdefault("apiVersion", "v1")
        pvc.setdefault("kind", "PersistentVolumeClaim")
        pvc["spec"].setdefault("volumeMode", "Filesystem")
        pvc.setdefault("status", {"phase": "Pending"})
    _template(spec)


def daemonset(obj: Obj) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("revisionHistoryLimit", 10)
    update = spec.setdefault("updateStrategy", {"type": "RollingUpdate"})
    if update.get("type") == "RollingUpdate":
        update.setdefault("rollingUpdate", {"maxSurge": 0, "maxUnavailable": 1})
    _template(spec)


def _stable(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest(), 16)


def cluster_ip(namespace: str, name: str) -> str:
    """A stable address in kubeadm's default service CIDR."""
    return str(SERVICE_CIDR[1 + _stable(f"{namespace}/{name}") % (SERVICE_CIDR.num_addresses - 2)])


def service(obj: Obj) -> None:
    spec = obj.setdefault("spec", {})
    m = obj.get("metadata") or {}
    spec.setdefault("type", "ClusterIP")
    if spec["type"] != "ExternalName":
        ip = spec.setdefault("clusterIP", cluster_ip(str(m.get("namespace")), str(m.get("name"))))
        spec.setdefault("clusterIPs", [ip])
        spec.setdefault("ipFamilies", ["IPv4"])
        spec.setdefault("ipFamilyPolicy", "SingleStack")
        spec.setdefault("internalTrafficPolicy", "Cluster")
    spec.setdefault("sessionAffinity", "None")
    for port in spec.get("ports") or []:
        port.setdefault("protocol", "TCP")
        port.setdefault("targetPort", port.get("port"))
    if spec["type"] in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
        for i, port in enumerate(spec.get("ports") or []):
            port.setdefault("nodePort", 30000 + (_stable(str(m.get("name"))) + i) % 2767)


def job_like(obj: Obj) -> None:
    spec = obj.setdefault("spec", {})
    if obj.get("kind") == "CronJob":
        spec.setdefault("concurrencyPolicy", "Allow")
        spec.setdefault("suspend", False)
        spec.setdefault("successfulJobsHistoryLimit", 3)
        spec.setdefault("failedJobsHistoryLimit", 1)
        job = spec.setdefault("jobTemplate", {}).setdefault("spec", {})
        job.setdefault("template", {}).setdefault("metadata", {}).setdefault(
            "creationTimestamp", None
        )
        pod_spec(job["template"].setdefault("spec", {}))
        return
    spec.setdefault("backoffLimit", 6)
    spec.setdefault("completionMode", "NonIndexed")
    _template(spec)


def namespace(obj: Obj) -> None:
    obj.setdefault("spec", {"finalizers": ["kubernetes"]})
    labels = obj.setdefault("metadata", {}).setdefault("labels", {})
    labels.setdefault("kubernetes.io/metadata.name", obj["metadata"].get("name"))


def secret(obj: Obj) -> None:
    obj.setdefault("type", "Opaque")


def pvc(obj: Obj) -> None:
    obj.setdefault("spec", {}).setdefault("volumeMode", "Filesystem")


DEFAULTERS: dict[tuple[str, str], Callable[[Obj], None]] = {
    ("apps", "Deployment"): deployment,
    ("apps", "StatefulSet"): statefulset,
    ("apps", "DaemonSet"): daemonset,
    ("", "Service"): service,
    ("batch", "Job"): job_like,
    ("batch", "CronJob"): job_like,
    ("", "Namespace"): namespace,
    ("", "Secret"): secret,
    ("", "PersistentVolumeClaim"): pvc,
}


def apply(obj: Obj) -> Obj:
    """Fill the API server's defaults into `obj` in place and return it."""
    defaulter = DEFAULTERS.get((group_of(obj), str(obj.get("kind"))))
    if defaulter is not None:
        defaulter(obj)
    return obj


def status_for(obj: Obj) -> dict[str, Any] | None:
    """A healthy controller's `status` for the kinds that have one."""
    kind = obj.get("kind")
    spec = obj.get("spec") or {}
    generation = (obj.get("metadata") or {}).get("generation", 1)
    replicas = spec.get("replicas", 1)
    counted = ("availableReplicas", "readyReplicas", "replicas", "updatedReplicas")
    ready = dict.fromkeys(counted, replicas)
    if kind == "Deployment":
        available = {
            "lastTransitionTime": "2026-01-01T00:00:00Z",
            "lastUpdateTime": "2026-01-01T00:00:00Z",
            "message": "Deployment has minimum availability.",
            "reason": "MinimumReplicasAvailable",
            "status": "True",
            "type": "Available",
        }
        return {**ready, "conditions": [available], "observedGeneration": generation}
    if kind == "StatefulSet":
        return {
            **ready,
            "collisionCount": 0,
            "currentReplicas": replicas,
            "observedGeneration": generation,
        }
    if kind == "DaemonSet":
        return {
            "currentNumberScheduled": 3,
            "desiredNumberScheduled": 3,
            "numberAvailable": 3,
            "numberMisscheduled": 0,
            "numberReady": 3,
            "observedGeneration": generation,
            "updatedNumberScheduled": 3,
        }
    if kind == "Service":
        return {"loadBalancer": {}}
    if kind == "Namespace":
        return {"phase": "Active"}
    if kind == "PersistentVolumeClaim":
        return {"phase": "Bound"}
    return None
