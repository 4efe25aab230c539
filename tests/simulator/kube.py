"""Small Kubernetes facts the simulator needs: object identity, scope, hooks, merge patch."""

from __future__ import annotations

import copy
import json
from typing import Any

Obj = dict[str, Any]

CRD_KIND = "CustomResourceDefinition"
CRD_GROUP = "apiextensions.k8s.io"

# Built-in cluster-scoped kinds (kubectl api-resources --namespaced=false on a kubeadm cluster).
CLUSTER_SCOPED = frozenset(
    {
        ("", "Namespace"),
        ("", "Node"),
        ("", "PersistentVolume"),
        ("rbac.authorization.k8s.io", "ClusterRole"),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        (CRD_GROUP, CRD_KIND),
        ("storage.k8s.io", "StorageClass"),
        ("storage.k8s.io", "CSIDriver"),
        ("storage.k8s.io", "VolumeAttachment"),
        ("scheduling.k8s.io", "PriorityClass"),
        ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
        ("apiregistration.k8s.io", "APIService"),
        ("networking.k8s.io", "IngressClass"),
        ("snapshot.storage.k8s.io", "VolumeSnapshotClass"),
        ("cert-manager.io", "ClusterIssuer"),
    }
)


def group_of(obj: Obj) -> str:
    api_version = str(obj.get("apiVersion") or "")
    return api_version.rpartition("/")[0] if "/" in api_version else ""


def version_of(obj: Obj) -> str:
    return str(obj.get("apiVersion") or "").rpartition("/")[2]


def meta(obj: Obj) -> Obj:
    """`metadata`, created when missing."""
    m = obj.get("metadata")
    if not isinstance(m, dict):
        m = obj["metadata"] = {}
    return m


def annotations_of(obj: Obj) -> dict[str, str]:
    m = meta(obj)
    a = m.get("annotations")
    if not isinstance(a, dict):
        a = m["annotations"] = {}
    return a


def is_crd(obj: Obj) -> bool:
    return obj.get("kind") == CRD_KIND and group_of(obj) == CRD_GROUP


def is_secret(obj: Obj) -> bool:
    return obj.get("kind") == "Secret" and group_of(obj) == ""


def cluster_scoped(objs: list[Obj]) -> set[tuple[str, str]]:
    """Built-in cluster-scoped kinds plus those of `scope: Cluster` CRDs among `objs`."""
    scoped = set(CLUSTER_SCOPED)
    for obj in objs:
        spec = obj.get("spec") or {}
        if is_crd(obj) and spec.get("scope") == "Cluster":
            scoped.add((str(spec.get("group") or ""), str((spec.get("names") or {}).get("kind"))))
    return scoped


def is_hook(obj: Obj) -> bool:
    """Argo CD's hook.IsHook: hook resources never show in managed-resources."""
    ann = (obj.get("metadata") or {}).get("annotations") or {}
    argo = ann.get("argocd.argoproj.io/hook")
    if argo is not None and [t.strip() for t in str(argo).split(",")] != ["Skip"]:
        return True
    helm = ann.get("helm.sh/hook")
    return helm is not None and helm != "crd-install"


def key_of(obj: Obj) -> tuple[str, str, str, str]:
    m = obj.get("metadata") or {}
    return (group_of(obj), str(obj.get("kind")), str(m.get("namespace") or ""), str(m["name"]))


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch (what `kubectl patch --type merge` does)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def canonical(obj: Any) -> str:
    """Compact JSON with sorted keys: how Argo CD compares predicted and live."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def go_json(obj: Any) -> str:
    """Go encoding/json style (compact; Go sorts map keys); `null` for None."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
