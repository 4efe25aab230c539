"""Realistic desired and live objects, as Argo CD and the API server hand them to the engine.

Every function returns a fresh object, so tests can edit what they get.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from argodiff.model import Application, ArgoSettings, IgnoreRule, Manifest

APP = "web"
NS = "web"
TRACKING = "argocd.argoproj.io/tracking-id"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def app(**kwargs: Any) -> Application:
    return Application(name=APP, destination_namespace=NS, file="argoproj/web/app.yaml", **kwargs)


def settings(**overrides: IgnoreRule) -> ArgoSettings:
    """Argo CD's defaults: annotation tracking and the `*/*` `/status` override of v3."""
    rules = {"*/*": IgnoreRule(group="*", kind="*", json_pointers=("/status",)), **overrides}
    return ArgoSettings(resource_overrides=rules)


def clone(obj: Manifest) -> Manifest:
    copy: Manifest = json.loads(json.dumps(obj))
    return copy


def tracking_id(group: str, kind: str, name: str, namespace: str = NS) -> str:
    return f"{APP}:{group}/{kind}:{namespace}/{name}"


def _server_meta(target: Manifest, group: str, generation: int = 1) -> dict[str, Any]:
    """What the API server adds to metadata, plus Argo CD's tracking and kubectl's last-applied."""
    meta = target["metadata"]
    applied = clone(target)
    notes = {TRACKING: tracking_id(group, target["kind"], meta["name"], meta.get("namespace", ""))}
    applied["metadata"].setdefault("annotations", {}).update(notes)
    return {
        **meta,
        "annotations": {
            **meta.get("annotations", {}),
            **notes,
            LAST_APPLIED: json.dumps(applied, separators=(",", ":")) + "\n",
        },
        "creationTimestamp": "2026-03-01T10:00:00Z",
        "generation": generation,
        "resourceVersion": "48213377",
        "uid": "5f0c6a2e-8d0b-4f7e-9d7e-3c7a1b2e9f10",
        "managedFields": [
            {
                "apiVersion": target["apiVersion"],
                "fieldsType": "FieldsV1",
                "fieldsV1": {"f:metadata": {"f:annotations": {".": {}, f"f:{TRACKING}": {}}}},
                "manager": "argocd-controller",
                "operation": "Update",
                "time": "2026-03-01T10:00:00Z",
            }
        ],
    }


def deployment() -> Manifest:
    """Desired: a kustomize render (no tracking), with non-canonical quantities."""
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app.kubernetes.io/name": "web"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app.kubernetes.io/name": "web"}},
            "template": {
                "metadata": {"labels": {"app.kubernetes.io/name": "web"}},
                "spec": {
                    "containers": [
                        {
                            "name": "app",
                            "image": "ghcr.io/example/web:1.4.2",
                            "args": ["--port=8080"],
                            "ports": [{"name": "http", "containerPort": 8080}],
                            "env": [
                                {"name": "LOG_LEVEL", "value": "info"},
                                {
                                    "name": "POD_NAME",
                                    "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}},
                                },
                            ],
                            "resources": {
                                "limits": {"cpu": "0.5", "memory": "1024Mi"},
                                "requests": {"cpu": "100m", "memory": "128Mi"},
                            },
                            "volumeMounts": [{"name": "config", "mountPath": "/etc/web"}],
                        },
                        {"name": "sidecar", "image": "ghcr.io/example/proxy:2.0"},
                    ],
                    "volumes": [{"name": "config", "configMap": {"name": "web-config"}}],
                },
            },
        },
    }


def live_deployment() -> Manifest:
    """The same Deployment as the API server returns it after `kubectl apply` by Argo CD."""
    target = deployment()
    target["metadata"]["namespace"] = NS
    container_defaults = {
        "imagePullPolicy": "IfNotPresent",
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "resources": {},
    }
    app_container = {
        **target["spec"]["template"]["spec"]["containers"][0],
        **container_defaults,
        "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
        "resources": {
            "limits": {"cpu": "500m", "memory": "1Gi"},
            "requests": {"cpu": "100m", "memory": "128Mi"},
        },
    }
    app_container["env"] = [
        {"name": "LOG_LEVEL", "value": "info"},
        {
            "name": "POD_NAME",
            "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}},
        },
    ]
    sidecar = {"name": "sidecar", "image": "ghcr.io/example/proxy:2.0", **container_defaults}
    meta = _server_meta(target, "apps", generation=4)
    meta["annotations"]["deployment.kubernetes.io/revision"] = "4"
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta,
        "spec": {
            "progressDeadlineSeconds": 600,
            "replicas": 2,
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": {"app.kubernetes.io/name": "web"}},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
            },
            "template": {
                "metadata": {
                    "creationTimestamp": None,
                    "labels": {"app.kubernetes.io/name": "web"},
                },
                "spec": {
                    "containers": [app_container, sidecar],
                    "dnsPolicy": "ClusterFirst",
                    "restartPolicy": "Always",
                    "schedulerName": "default-scheduler",
                    "securityContext": {},
                    "terminationGracePeriodSeconds": 30,
                    "volumes": [
                        {"name": "config", "configMap": {"name": "web-config", "defaultMode": 420}}
                    ],
                },
            },
        },
        "status": {
            "availableReplicas": 2,
            "observedGeneration": 4,
            "readyReplicas": 2,
            "replicas": 2,
            "updatedReplicas": 2,
            "conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicas"}],
        },
    }


def service() -> Manifest:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"app.kubernetes.io/name": "web"},
            "ports": [{"name": "http", "port": 80, "targetPort": "http"}],
        },
    }


def live_service() -> Manifest:
    target = service()
    target["metadata"]["namespace"] = NS
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _server_meta(target, ""),
        "spec": {
            "clusterIP": "10.96.14.7",
            "clusterIPs": ["10.96.14.7"],
            "internalTrafficPolicy": "Cluster",
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": "http"}],
            "selector": {"app.kubernetes.io/name": "web"},
            "sessionAffinity": "None",
            "type": "ClusterIP",
        },
        "status": {"loadBalancer": {}},
    }


def statefulset() -> Manifest:
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "db"},
        "spec": {
            "serviceName": "db",
            "selector": {"matchLabels": {"app": "db"}},
            "template": {
                "metadata": {"labels": {"app": "db"}},
                "spec": {"containers": [{"name": "db", "image": "postgres:16"}]},
            },
            "volumeClaimTemplates": [
                {
                    "metadata": {"name": "data"},
                    "spec": {
                        "accessModes": ["ReadWriteOnce"],
                        "storageClassName": "longhorn",
                        "resources": {"requests": {"storage": "10Gi"}},
                    },
                }
            ],
        },
    }


def live_statefulset() -> Manifest:
    target = statefulset()
    target["metadata"]["namespace"] = NS
    live = clone(target)
    live["metadata"] = _server_meta(target, "apps")
    spec = live["spec"]
    spec.update(
        {
            "replicas": 1,
            "podManagementPolicy": "OrderedReady",
            "revisionHistoryLimit": 10,
            "persistentVolumeClaimRetentionPolicy": {
                "whenDeleted": "Retain",
                "whenScaled": "Retain",
            },
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
        }
    )
    spec["template"]["metadata"]["creationTimestamp"] = None
    spec["template"]["spec"].update(
        {
            "dnsPolicy": "ClusterFirst",
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": {},
            "terminationGracePeriodSeconds": 30,
        }
    )
    spec["template"]["spec"]["containers"][0].update(
        {
            "imagePullPolicy": "IfNotPresent",
            "resources": {},
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File",
        }
    )
    claim = spec["volumeClaimTemplates"][0]
    claim.update(
        {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "status": {"phase": "Pending"}}
    )
    claim["metadata"]["creationTimestamp"] = None
    claim["spec"]["volumeMode"] = "Filesystem"
    live["status"] = {"availableReplicas": 1, "currentRevision": "db-6d4b", "replicas": 1}
    return live


def certificate() -> Manifest:
    """A cert-manager Certificate: a CRD instance, diffed with the JSON-merge path."""
    return {
        "apiVersion": "cert-manager.io/v1",
        "kind": "Certificate",
        "metadata": {"name": "web-tls"},
        "spec": {
            "secretName": "web-tls",
            "dnsNames": ["web.example.com"],
            "issuerRef": {"kind": "ClusterIssuer", "name": "letsencrypt"},
            "privateKey": {"algorithm": "ECDSA", "size": 256},
        },
    }


def live_certificate() -> Manifest:
    target = certificate()
    target["metadata"]["namespace"] = NS
    live = clone(target)
    live["metadata"] = _server_meta(target, "cert-manager.io", generation=2)
    live["spec"]["privateKey"]["rotationPolicy"] = "Always"
    live["spec"]["issuerRef"]["group"] = "cert-manager.io"
    live["status"] = {
        "conditions": [{"type": "Ready", "status": "True"}],
        "notAfter": "2026-06-01T00:00:00Z",
        "revision": 3,
    }
    return live


PASSWORD = "s3cr3t-Passw0rd!"
TOKEN = "tok-0123456789abcdef"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def secret(password: str = PASSWORD) -> Manifest:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "web-credentials"},
        "type": "Opaque",
        "stringData": {"password": password},
        "data": {"token": b64(TOKEN)},
    }


def live_secret(password: str = PASSWORD, masked: bool = False) -> Manifest:
    """A live Secret; `masked` as Argo CD's managed-resources returns it."""
    target = secret(password)
    target["metadata"]["namespace"] = NS
    live: Manifest = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": _server_meta(target, ""),
        "type": "Opaque",
        "data": {"password": b64(password), "token": b64(TOKEN)},
    }
    if masked:
        live["data"] = {"password": "++++++++", "token": "++++++++"}
        live["metadata"]["annotations"][LAST_APPLIED] = "++++++++"
    return live


def crd(properties: int = 8, depth: int = 4) -> Manifest:
    """A CustomResourceDefinition with a nested openAPIV3Schema (size grows with the arguments)."""

    def schema(level: int) -> dict[str, Any]:
        if level == 0:
            return {"type": "string", "description": "A leaf field: it holds a value, see docs."}
        return {
            "type": "object",
            "description": f"Level {level}: an object with nested fields.",
            "properties": {f"field{i}": schema(level - 1) for i in range(properties)},
            "required": ["field0"],
        }

    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "tidbclusters.pingcap.com"},
        "spec": {
            "group": "pingcap.com",
            "names": {"kind": "TidbCluster", "plural": "tidbclusters", "singular": "tidbcluster"},
            "scope": "Namespaced",
            "versions": [
                {
                    "name": "v1alpha1",
                    "served": True,
                    "storage": True,
                    "schema": {"openAPIV3Schema": schema(depth)},
                }
            ],
        },
    }


def live_crd(target: Manifest) -> Manifest:
    live = clone(target)
    live["metadata"].update(
        {
            "creationTimestamp": "2026-01-01T00:00:00Z",
            "generation": 1,
            "resourceVersion": "1",
            "uid": "0d7e6b7c-1111-2222-3333-444455556666",
            "labels": {"app.kubernetes.io/instance": APP},
        }
    )
    live["spec"]["conversion"] = {"strategy": "None"}
    live["status"] = {"acceptedNames": target["spec"]["names"], "storedVersions": ["v1alpha1"]}
    return live


def as_live(obj: Manifest) -> Manifest:
    """A copy as Argo CD would have applied it: server uid plus the tracking annotation."""
    live = clone(obj)
    meta = live["metadata"]
    group = live["apiVersion"].rpartition("/")[0]
    meta["uid"] = "8a1c2f4e-0000-4000-8000-000000000001"
    meta.setdefault("annotations", {})[TRACKING] = tracking_id(
        group, live["kind"], meta["name"], meta.get("namespace") or NS
    )
    return live
