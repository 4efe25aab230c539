"""Structured merge for ServerSideApply apps, from Kubernetes' documented server-side apply
semantics (https://kubernetes.io/docs/reference/using-api/server-side-apply/): fields the
applier owned and no longer sets are removed unless another manager owns them; lists merge
by their list type."""

from __future__ import annotations

import json
from typing import Any

from argodiff.engine import diff_app, server_side_apply
from argodiff.engine.schema import Schemas
from argodiff.engine.structured import field_set
from argodiff.model import Change, Manifest, ResourceDiff
from tests.engine import objects as o

SSA_APP = o.app(sync_options=["CreateNamespace=true", "ServerSideApply=true"])
TRACKING_FIELD: dict[str, Any] = {"f:metadata": {"f:annotations": {f"f:{o.TRACKING}": {}}}}


def _port(port: int) -> str:
    return "k:" + json.dumps({"port": port, "protocol": "TCP"}, separators=(",", ":"))


def _entry(manager: str, fields: dict[str, Any], operation: str = "Apply") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "fieldsType": "FieldsV1",
        "fieldsV1": fields,
        "manager": manager,
        "operation": operation,
        "time": "2026-03-01T10:00:00Z",
    }


def _ssa_service(ports: list[int], *, node_port: bool = False) -> Manifest:
    """A Service only ever applied server-side by argocd-controller: no last-applied."""
    live = o.live_service()
    del live["metadata"]["annotations"][o.LAST_APPLIED]
    live["spec"]["ports"] = [
        {"name": f"p{p}", "port": p, "protocol": "TCP", "targetPort": p} for p in ports
    ]
    owned: dict[str, Any] = {
        "f:ports": {
            _port(p): {".": {}, "f:name": {}, "f:port": {}, "f:targetPort": {}} for p in ports
        },
        "f:selector": {},
    }
    if node_port:
        live["spec"]["type"] = "NodePort"
        live["spec"]["externalTrafficPolicy"] = "Cluster"
        for port in live["spec"]["ports"]:
            port["nodePort"] = 30000 + port["port"] % 1000
        owned["f:type"] = {}
    live["metadata"]["managedFields"] = [
        _entry("argocd-controller", {**TRACKING_FIELD, "f:spec": owned})
    ]
    return live


def _service(ports: list[int]) -> Manifest:
    svc = o.service()
    svc["spec"]["ports"] = [{"name": f"p{p}", "port": p, "targetPort": p} for p in ports]
    return svc


def _diff(target: Manifest, live: Manifest, *extra: Manifest) -> list[ResourceDiff]:
    return diff_app(SSA_APP, [target, *extra], [live], o.settings())


def test_the_sync_option_selects_structured_merge() -> None:
    assert server_side_apply(SSA_APP)
    assert not server_side_apply(o.app(sync_options=["ServerSideApply=false"]))


def test_a_controller_owned_port_dropped_from_git_is_removed() -> None:
    [result] = _diff(_service([80]), _ssa_service([80, 9090]))
    assert result.change is Change.MODIFIED
    assert result.paths == ["spec.ports[port=9090]"]
    assert "-  - name: p9090" in result.diff
    # The three-way merge, with no last-applied annotation, would have kept it.
    assert diff_app(o.app(), [_service([80])], [_ssa_service([80, 9090])], o.settings()) == []


def test_a_port_another_manager_owns_stays() -> None:
    live = _ssa_service([80, 9090])
    fields: dict[str, Any] = {".": {}, "f:name": {}, "f:port": {}, "f:targetPort": {}}
    other = {"f:spec": {"f:ports": {_port(9090): fields}}}
    live["metadata"]["managedFields"].append(_entry("kubectl-edit", other, "Update"))
    assert _diff(_service([80]), live) == []


def test_fields_of_a_shared_port_only_the_controller_owned_are_removed() -> None:
    live = _ssa_service([80, 9090])
    other: dict[str, Any] = {"f:spec": {"f:ports": {_port(9090): {".": {}, "f:port": {}}}}}
    live["metadata"]["managedFields"].append(_entry("kubectl-edit", other, "Update"))
    [result] = _diff(_service([80]), live)
    # The item stays (co-owned); its name and targetPort were the controller's alone.
    # targetPort comes back as the API default (= port).
    assert result.paths == ["spec.ports[port=9090].name"]


def test_a_dropped_controller_owned_node_port_type_becomes_cluster_ip() -> None:
    [result] = _diff(_service([80]), _ssa_service([80], node_port=True))
    assert "spec.type" in result.paths
    assert "-  type: NodePort" in result.diff
    assert "+  type: ClusterIP" in result.diff


def test_unchanged_config_is_no_difference() -> None:
    assert _diff(_service([80, 9090]), _ssa_service([80, 9090])) == []


def test_the_last_applied_annotation_plays_no_part() -> None:
    live = _ssa_service([80, 9090])
    # kubectl once applied both ports; server-side ownership still says the controller owns 9090
    live["metadata"]["annotations"][o.LAST_APPLIED] = json.dumps(_service([80]))
    [result] = _diff(_service([80]), live)
    assert result.paths == ["spec.ports[port=9090]"]


def _ssa_deployment() -> Manifest:
    live = o.live_deployment()
    del live["metadata"]["annotations"][o.LAST_APPLIED]
    container: dict[str, Any] = {".": {}, "f:name": {}, "f:image": {}, "f:args": {}}
    live["metadata"]["finalizers"] = ["example.com/keep"]
    live["metadata"]["managedFields"] = [
        _entry(
            "argocd-controller",
            {
                "f:metadata": {
                    "f:annotations": {f"f:{o.TRACKING}": {}},
                    "f:finalizers": {'v:"example.com/keep"': {}},
                },
                "f:spec": {
                    "f:template": {
                        "f:spec": {
                            "f:containers": {
                                'k:{"name":"app"}': container,
                                'k:{"name":"sidecar"}': {".": {}, "f:name": {}, "f:image": {}},
                            },
                            "f:tolerations": {},
                        }
                    }
                },
            },
        )
    ]
    return live


def test_containers_merge_by_name() -> None:
    target = o.deployment()
    target["metadata"]["finalizers"] = ["example.com/keep"]
    containers = target["spec"]["template"]["spec"]["containers"]
    containers.reverse()
    containers[0]["image"] = "ghcr.io/example/proxy:2.1"
    [result] = _diff(target, _ssa_deployment())
    assert result.paths == ["spec.template.spec.containers[name=sidecar].image"]


def test_an_injected_container_nobody_in_git_owns_stays() -> None:
    live = _ssa_deployment()
    injected = {"name": "istio-proxy", "image": "istio/proxyv2:1.22"}
    live["spec"]["template"]["spec"]["containers"].append(injected)
    target = o.deployment()
    target["metadata"]["finalizers"] = ["example.com/keep"]
    assert _diff(target, live) == []


def test_an_atomic_list_is_replaced() -> None:
    live = _ssa_deployment()
    live["spec"]["template"]["spec"]["tolerations"] = [
        {"key": "a", "operator": "Exists"},
        {"key": "b", "operator": "Exists"},
    ]
    target = o.deployment()
    target["metadata"]["finalizers"] = ["example.com/keep"]
    target["spec"]["template"]["spec"]["tolerations"] = [{"key": "b", "operator": "Exists"}]
    [result] = _diff(target, live)
    assert all(p.startswith("spec.template.spec.tolerations[") for p in result.paths)
    assert "-      - key: a" in result.diff
    assert "+      - key: a" not in result.diff


def test_a_set_list_gets_set_semantics() -> None:
    live = _ssa_deployment()
    live["metadata"]["finalizers"] = ["example.com/keep", "kubernetes.io/other"]
    target = o.deployment()
    # The controller's finalizer is dropped, the one nobody in Git owns stays, a new one joins.
    target["metadata"]["finalizers"] = ["example.com/new"]
    [result] = _diff(target, live)
    predicted = result.diff
    assert "-  - example.com/keep" in predicted
    assert "+  - example.com/new" in predicted
    assert "-  - kubernetes.io/other" not in predicted


def _crd(list_type: dict[str, Any]) -> Manifest:
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "names": {"kind": "Widget", "plural": "widgets"},
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
                                "spec": {
                                    "type": "object",
                                    "properties": {
                                        "items": {
                                            "type": "array",
                                            "items": {"type": "object"},
                                            **list_type,
                                        }
                                    },
                                }
                            },
                        }
                    },
                }
            ],
        },
    }


def _widget(items: list[dict[str, Any]]) -> Manifest:
    return {
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": "w", "namespace": o.NS},
        "spec": {"items": items},
    }


def _live_widget(items: list[dict[str, Any]]) -> Manifest:
    live = _widget(items)
    live["metadata"]["annotations"] = {o.TRACKING: o.tracking_id("example.com", "Widget", "w")}
    keys: dict[str, Any] = {
        "k:" + json.dumps({"id": i["id"]}): {".": {}, "f:id": {}} for i in items
    }
    live["metadata"]["managedFields"] = [
        _entry("argocd-controller", {**TRACKING_FIELD, "f:spec": {"f:items": keys}}),
    ]
    return live


def test_a_crd_among_the_apps_objects_gives_its_list_types() -> None:
    live = _live_widget([{"id": "a"}, {"id": "b"}])
    live["spec"]["items"].append({"id": "c"})  # added by an operator, not owned by Argo CD
    as_map = {"x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["id"]}
    results = _diff(_widget([{"id": "a"}]), live, _crd(as_map))
    [result] = [r for r in results if r.key.kind == "Widget"]
    assert "-  - id: b" in result.diff
    assert "-  - id: c" not in result.diff


def test_without_a_schema_custom_lists_are_atomic() -> None:
    live = _live_widget([{"id": "a"}, {"id": "b"}])
    live["spec"]["items"].append({"id": "c"})
    [result] = _diff(_widget([{"id": "a"}]), live)
    assert "-  - id: b" in result.diff
    assert "-  - id: c" in result.diff


def test_field_sets_encode_as_managed_fields_do() -> None:
    svc = _service([80])
    svc["metadata"]["finalizers"] = ["example.com/keep"]
    resolved = Schemas([]).resolve(svc)
    fields = field_set(svc, resolved.root, resolved.schema)
    assert fields["f:spec"]["f:ports"] == {
        _port(80): {".": {}, "f:name": {}, "f:port": {}, "f:targetPort": {}}
    }
    assert fields["f:spec"]["f:selector"] == {}  # an atomic map is one leaf
    assert fields["f:metadata"]["f:finalizers"] == {'v:"example.com/keep"': {}}
