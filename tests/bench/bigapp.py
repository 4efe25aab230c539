"""One big Application for the engine benchmark: ordinary workloads plus multi-megabyte CRDs,
desired and live, with a handful of changes in the desired side."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import yaml

from argodiff.model import Application, ArgoSettings, IgnoreRule, Manifest
from tests.simulator.live import make_live
from tests.simulator.tracking import stamp

APP = "platform"
NAMESPACE = "platform"
LEAF_KINDS = ("string", "integer", "boolean", "array")


@dataclass(frozen=True)
class BigApp:
    app: Application
    settings: ArgoSettings
    targets: list[Manifest]
    live: list[Manifest]
    changed: int
    """How many resources the desired side changes (each must come out as one diff)."""


def _leaf(i: int) -> dict[str, Any]:
    kind = LEAF_KINDS[i % len(LEAF_KINDS)]
    leaf: dict[str, Any] = {"description": f"Setting {i}: see the operator's documentation."}
    if kind == "integer":
        leaf.update(type="integer", format="int32", minimum=0)
    elif kind == "array":
        leaf.update(type="array", items={"type": "string"})
    else:
        leaf["type"] = kind
    return leaf


def _schema(depth: int, width: int) -> dict[str, Any]:
    """An openAPIV3Schema object node `depth` levels deep, `width` properties per level."""
    if depth == 0:
        return _leaf(width)
    return {
        "type": "object",
        "description": f"A nested object ({depth} levels of settings below).",
        "properties": {f"setting{i}": _schema(depth - 1, i) for i in range(width)},
        "required": ["setting0"],
        "x-kubernetes-preserve-unknown-fields": depth == 1,
    }


def yaml_bytes(obj: Any) -> int:
    return len(yaml.dump(obj, Dumper=yaml.CSafeDumper, sort_keys=False).encode())


def crd(index: int, megabytes: float) -> Manifest:
    """A CustomResourceDefinition of about `megabytes` of YAML, like an operator's (TiDB's
    tidbclusters CRD is about 4 MB)."""
    one, two = _crd(index, 1), _crd(index, 2)
    per_component = yaml_bytes(two) - yaml_bytes(one)
    return _crd(index, max(1, round(megabytes * 1_000_000 / per_component)))


def _crd(index: int, components: int) -> Manifest:
    unit = _schema(3, 7)
    spec_props = {f"component{i}": copy.deepcopy(unit) for i in range(components)}
    plural = f"widgets{index}"
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.example.com"},
        "spec": {
            "group": "example.com",
            "names": {"kind": f"Widget{index}", "plural": plural, "singular": f"widget{index}"},
            "scope": "Namespaced",
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {
                        "openAPIV3Schema": {
                            "type": "object",
                            "properties": {
                                "spec": {"type": "object", "properties": spec_props},
                                "status": {"type": "object"},
                            },
                        }
                    },
                }
            ],
        },
    }


def deployment(name: str) -> Manifest:
    labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": APP}
    container = {
        "name": name,
        "image": f"registry.example.com/{name}:1.4.2",
        "args": ["--port=8080", "--log-level=info"],
        "ports": [{"name": "http", "containerPort": 8080}],
        "env": [{"name": "CONFIG", "value": f"/etc/{name}/config.yaml"}],
        "resources": {
            "requests": {"cpu": "100m", "memory": "128Mi"},
            "limits": {"memory": "256Mi"},
        },
        "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http"}},
        "volumeMounts": [{"name": "config", "mountPath": f"/etc/{name}"}],
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "containers": [container],
                    "volumes": [{"name": "config", "configMap": {"name": f"{name}-config"}}],
                },
            },
        },
    }


def service(name: str) -> Manifest:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "labels": {"app.kubernetes.io/name": name}},
        "spec": {
            "selector": {"app.kubernetes.io/name": name},
            "ports": [{"name": "http", "port": 80, "targetPort": "http"}],
        },
    }


def configmap(name: str) -> Manifest:
    config = "\n".join(f"option{i}: value-{i}" for i in range(20)) + "\n"
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": f"{name}-config"},
        "data": {"config.yaml": config, "LOG_LEVEL": "info"},
    }


def _live(target: Manifest, server_side: bool) -> Manifest:
    """What the cluster holds after Argo CD applied `target` (namespace resolved, defaults,
    status, uid, resourceVersion, managedFields, and last-applied unless server-side)."""
    obj = copy.deepcopy(target)
    if obj["kind"] != "CustomResourceDefinition":
        obj["metadata"]["namespace"] = NAMESPACE
    return make_live(obj, app=APP, client_side_apply=not server_side)


def _change(targets: list[Manifest], crds: list[Manifest]) -> int:
    """A handful of pull-request edits; returns how many resources they touch."""
    by_kind: dict[str, list[Manifest]] = {}
    for t in targets:
        by_kind.setdefault(t["kind"], []).append(t)
    first, last = by_kind["Deployment"][0], by_kind["Deployment"][-1]
    container = first["spec"]["template"]["spec"]["containers"][0]
    container["image"] += "-rc1"
    last["spec"]["replicas"] = 3
    by_kind["ConfigMap"][0]["data"]["LOG_LEVEL"] = "debug"
    by_kind["Service"][-1]["spec"]["ports"][0]["port"] = 8080
    edited = 4
    for i, one in enumerate(crds[:2]):
        props = one["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
        component = props["properties"]["component0"]["properties"]["setting3"]
        component["properties"]["setting2"]["description"] = f"Changed by the pull request ({i})."
    return edited + min(len(crds), 2)


def build(resources: int, crd_megabytes: tuple[float, ...]) -> BigApp:
    """`resources` objects in all: the CRDs, then Deployments, Services and ConfigMaps."""
    crds = [crd(i, mb) for i, mb in enumerate(crd_megabytes)]
    others: list[Manifest] = []
    i = 0
    while len(others) + len(crds) < resources:
        make = (deployment, service, configmap)[i % 3]
        others.append(make(f"svc{i // 3:03d}"))
        i += 1
    targets = crds + others
    for obj in targets:
        stamp(obj, app=APP, dest_namespace=NAMESPACE)
    # Operators' CRDs are too big for kubectl's last-applied annotation (256 KiB), so they
    # are applied server-side; the rest client-side, as Argo CD does by default.
    live = [_live(t, server_side=t in crds) for t in targets]
    changed = _change(targets, crds)
    app = Application(name=APP, destination_namespace=NAMESPACE, file="argoproj/platform/app.yaml")
    # Argo CD 3's default resource override: `*/*` ignores /status.
    settings = ArgoSettings(
        resource_overrides={"*/*": IgnoreRule(group="*", kind="*", json_pointers=("/status",))}
    )
    return BigApp(app, settings, targets, live, changed)
