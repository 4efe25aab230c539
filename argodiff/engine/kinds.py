"""What the engine knows about Kubernetes kinds without asking a cluster."""

from __future__ import annotations

from argodiff.model import Manifest, api_group

BUILTIN_GROUPS = frozenset(
    {
        "",
        "admissionregistration.k8s.io",
        "apps",
        "authentication.k8s.io",
        "authorization.k8s.io",
        "autoscaling",
        "batch",
        "certificates.k8s.io",
        "coordination.k8s.io",
        "discovery.k8s.io",
        "events.k8s.io",
        "extensions",
        "flowcontrol.apiserver.k8s.io",
        "internal.apiserver.k8s.io",
        "networking.k8s.io",
        "node.k8s.io",
        "policy",
        "rbac.authorization.k8s.io",
        "resource.k8s.io",
        "scheduling.k8s.io",
        "storage.k8s.io",
        "storagemigration.k8s.io",
    }
)
"""API groups registered in client-go's scheme. gitops-engine treats these kinds as typed
(remarshal, strategic merge, scheme defaults); everything else (CRDs, apiextensions,
apiregistration) takes the JSON-merge path."""

CLUSTER_SCOPED: frozenset[tuple[str, str]] = frozenset(
    {
        ("", "Namespace"),
        ("", "Node"),
        ("", "PersistentVolume"),
        ("", "ComponentStatus"),
        ("rbac.authorization.k8s.io", "ClusterRole"),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
        ("apiregistration.k8s.io", "APIService"),
        ("storage.k8s.io", "StorageClass"),
        ("storage.k8s.io", "CSIDriver"),
        ("storage.k8s.io", "CSINode"),
        ("storage.k8s.io", "VolumeAttachment"),
        ("storage.k8s.io", "VolumeAttributesClass"),
        ("scheduling.k8s.io", "PriorityClass"),
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding"),
        ("networking.k8s.io", "IngressClass"),
        ("networking.k8s.io", "IPAddress"),
        ("networking.k8s.io", "ServiceCIDR"),
        ("node.k8s.io", "RuntimeClass"),
        ("certificates.k8s.io", "CertificateSigningRequest"),
        ("certificates.k8s.io", "ClusterTrustBundle"),
        ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
        ("resource.k8s.io", "DeviceClass"),
        ("resource.k8s.io", "ResourceSlice"),
        ("policy", "PodSecurityPolicy"),
    }
)
"""Cluster-scoped kinds of Kubernetes itself; with the live objects they decide namespacedness."""

CRD_GROUP = "apiextensions.k8s.io"


def group_kind(obj: Manifest) -> tuple[str, str]:
    return api_group(str(obj.get("apiVersion") or "")), str(obj.get("kind") or "")


def is_builtin(obj: Manifest) -> bool:
    return group_kind(obj)[0] in BUILTIN_GROUPS


def is_crd(obj: Manifest) -> bool:
    """gitops-engine kube.IsCRD: the definition itself, not an instance."""
    return group_kind(obj) == (CRD_GROUP, "CustomResourceDefinition")


def is_core(obj: Manifest, kind: str) -> bool:
    return group_kind(obj) == ("", kind)


def metadata(obj: Manifest) -> dict[str, object]:
    """The object's metadata map, created if missing or malformed."""
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        meta = obj["metadata"] = {}
    return meta


def string_map(obj: Manifest, field: str) -> dict[str, object]:
    """`metadata.labels` / `metadata.annotations`, created if missing or malformed."""
    meta = metadata(obj)
    value = meta.get(field)
    if not isinstance(value, dict):
        value = meta[field] = {}
    return value


def annotations_of(obj: Manifest) -> dict[str, object]:
    """A read-only view of the annotations (empty when absent)."""
    meta = obj.get("metadata")
    value = meta.get("annotations") if isinstance(meta, dict) else None
    return value if isinstance(value, dict) else {}


def labels_of(obj: Manifest) -> dict[str, object]:
    """A read-only view of the labels (empty when absent)."""
    meta = obj.get("metadata")
    value = meta.get("labels") if isinstance(meta, dict) else None
    return value if isinstance(value, dict) else {}
