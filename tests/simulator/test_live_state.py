"""The simulator's cluster model: API-server defaults, masking and tracking (no HTTP)."""

from __future__ import annotations

import json
from typing import Any

from tests.simulator import defaults
from tests.simulator.live import IgnoreRule, make_live, managed_item
from tests.simulator.masking import hide
from tests.simulator.tracking import stamp

STATUS_RULE = [IgnoreRule("*", "*", ("/status",))]


def deployment(image: str = "nginx:1.27") -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "web"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {"name": "web", "image": image, "ports": [{"containerPort": 80}]}
                    ]
                },
            },
        },
    }


def test_deployment_gets_the_api_server_defaults() -> None:
    obj = defaults.apply(deployment())
    spec = obj["spec"]
    assert (spec["replicas"], spec["revisionHistoryLimit"], spec["progressDeadlineSeconds"]) == (
        1,
        10,
        600,
    )
    assert spec["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
    }
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "Always"
    assert pod["dnsPolicy"] == "ClusterFirst"
    assert pod["schedulerName"] == "default-scheduler"
    assert pod["securityContext"] == {}
    assert pod["terminationGracePeriodSeconds"] == 30
    container = pod["containers"][0]
    assert container["imagePullPolicy"] == "IfNotPresent"
    assert container["terminationMessagePath"] == "/dev/termination-log"
    assert container["terminationMessagePolicy"] == "File"
    assert container["ports"] == [{"containerPort": 80, "protocol": "TCP"}]


def test_latest_or_untagged_images_are_always_pulled() -> None:
    for image in ("nginx", "nginx:latest", "registry:5000/team/nginx"):
        pod = defaults.apply(deployment(image))["spec"]["template"]["spec"]
        assert pod["containers"][0]["imagePullPolicy"] == "Always", image
    pod = defaults.apply(deployment("registry:5000/nginx:1.2"))["spec"]["template"]["spec"]
    assert pod["containers"][0]["imagePullPolicy"] == "IfNotPresent"


def test_defaults_never_override_what_git_says() -> None:
    obj = deployment()
    obj["spec"]["replicas"] = 3
    obj["spec"]["strategy"] = {"type": "Recreate"}
    spec = defaults.apply(obj)["spec"]
    assert spec["replicas"] == 3
    assert spec["strategy"] == {"type": "Recreate"}
    assert defaults.apply(json.loads(json.dumps(obj))) == obj


def test_service_gets_cluster_ip_and_port_defaults() -> None:
    svc = defaults.apply(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web", "namespace": "web"},
            "spec": {"ports": [{"port": 8080}]},
        }
    )["spec"]
    assert svc["type"] == "ClusterIP"
    assert svc["sessionAffinity"] == "None"
    assert svc["clusterIPs"] == [svc["clusterIP"]]
    assert svc["clusterIP"].startswith("10.")
    assert svc["ipFamilies"] == ["IPv4"]
    assert svc["ipFamilyPolicy"] == "SingleStack"
    assert svc["internalTrafficPolicy"] == "Cluster"
    assert svc["ports"] == [{"port": 8080, "protocol": "TCP", "targetPort": 8080}]


def test_statefulset_defaults() -> None:
    sts = defaults.apply(
        {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"}, "spec": {}}
    )["spec"]
    assert sts["podManagementPolicy"] == "OrderedReady"
    assert sts["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert sts["persistentVolumeClaimRetentionPolicy"] == {
        "whenDeleted": "Retain",
        "whenScaled": "Retain",
    }


def test_live_object_has_server_metadata_status_and_last_applied() -> None:
    target = deployment()
    stamp(target, app="web", dest_namespace="web")
    live = make_live(target, app="web", client_side_apply=True)
    m = live["metadata"]
    assert m["uid"] and m["resourceVersion"] and m["generation"] == 1
    assert m["creationTimestamp"] == "2026-01-01T00:00:00Z"
    assert [f["manager"] for f in m["managedFields"]] == [
        "argocd-controller",
        "kube-controller-manager",
    ]
    assert (
        json.loads(m["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]) == target
    )
    assert live["status"]["readyReplicas"] == 1
    ssa = make_live(target, app="web", client_side_apply=False)
    assert "kubectl.kubernetes.io/last-applied-configuration" not in ssa["metadata"]["annotations"]
    assert ssa["metadata"]["managedFields"][0]["operation"] == "Apply"


def test_tracking_annotation_and_no_tracking_on_crds() -> None:
    cm: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
    stamp(cm, app="web", dest_namespace="web")
    assert cm["metadata"]["annotations"] == {
        "argocd.argoproj.io/tracking-id": "web:/ConfigMap:web/c"
    }
    crd: dict[str, Any] = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "x.example.com"},
    }
    stamp(crd, app="web", dest_namespace="web")
    assert crd["metadata"] == {"name": "x.example.com"}
    labelled: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
    stamp(labelled, app="web", dest_namespace="web", method="label")
    assert labelled["metadata"] == {"name": "c", "labels": {"app.kubernetes.io/instance": "web"}}


def secret(**data: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": data}


def test_masking_keeps_equal_values_equal_and_distinct_values_distinct() -> None:
    target, live = hide(secret(a="c2FtZQ==", b="bmV3"), secret(a="c2FtZQ==", b="b2xk", c="eA=="))
    assert target is not None and live is not None
    assert target["data"] == {"a": "++++++++", "b": "++++++++"}
    assert live["data"] == {"a": "++++++++", "b": "++++++++++++", "c": "++++++++"}


def test_masking_folds_string_data_and_masks_last_applied() -> None:
    applied = json.dumps({"apiVersion": "v1", "kind": "Secret", "stringData": {"k": "plain"}})
    live = secret(k="cGxhaW4=")
    live["metadata"]["annotations"] = {"kubectl.kubernetes.io/last-applied-configuration": applied}
    target = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s"},
        "stringData": {"k": "plain"},
    }
    masked_target, masked_live = hide(target, live)
    text = json.dumps([masked_target, masked_live])
    assert "plain" not in text and "cGxhaW4" not in text
    assert masked_target is not None and "stringData" not in masked_target
    assert masked_target["data"] == {"k": "++++++++"}


def test_managed_item_is_unmodified_for_a_synced_object_and_omits_false() -> None:
    target = deployment()
    stamp(target, app="web", dest_namespace="web")
    live = make_live(target, app="web", client_side_apply=True)
    item = managed_item(target, live, STATUS_RULE)
    assert "modified" not in item
    assert item["group"] == "apps" and item["namespace"] == "web"
    normalized = json.loads(item["normalizedLiveState"])
    assert "status" not in normalized and "creationTimestamp" not in normalized["metadata"]
    assert json.loads(item["liveState"])["status"]["replicas"] == 1
    assert item["normalizedLiveState"] == item["predictedLiveState"]


def test_drift_only_counts_in_fields_git_sets() -> None:
    target = deployment()
    live = make_live(target, app="web", client_side_apply=True)
    live["spec"]["replicas"] = 5
    # Git does not set replicas: a 3-way diff leaves the live value alone (an HPA may own it).
    assert "modified" not in managed_item(target, live, STATUS_RULE)
    target["spec"]["replicas"] = 2
    drifted = managed_item(target, live, STATUS_RULE)
    assert drifted["modified"] is True
    assert json.loads(drifted["predictedLiveState"])["spec"]["replicas"] == 2


def test_managed_item_for_addition_and_extraneous() -> None:
    target = deployment()
    live = make_live(target, app="web", client_side_apply=True)
    added = managed_item(target, None, STATUS_RULE)
    assert added["modified"] is True and added["liveState"] == "null"
    extra = managed_item(None, live, STATUS_RULE)
    assert "modified" not in extra and extra["targetState"] == "null"
    assert extra["predictedLiveState"] == "null"


def test_three_way_prediction_removes_what_git_dropped() -> None:
    old = deployment()
    old["spec"]["template"]["metadata"]["annotations"] = {"a": "1"}
    live = make_live(old, app="web", client_side_apply=True)
    item = managed_item(deployment(), live, STATUS_RULE)
    predicted = json.loads(item["predictedLiveState"])
    assert item["modified"] is True
    assert "annotations" not in predicted["spec"]["template"]["metadata"]


def test_last_applied_that_is_not_json_is_masked_whole() -> None:
    live = secret(k="dmFsdWU=")
    live["metadata"]["annotations"] = {"kubectl.kubernetes.io/last-applied-configuration": "{oops"}
    _, masked = hide(None, live)
    assert masked is not None
    assert masked["metadata"]["annotations"] == {
        "kubectl.kubernetes.io/last-applied-configuration": "++++++++"
    }


def test_keyed_lists_merge_item_by_item_on_built_in_kinds() -> None:
    target = deployment()
    live = make_live(target, app="web", client_side_apply=True)
    pod = live["spec"]["template"]["spec"]
    # A mutating webhook added a sidecar and an env var: Git never had them, a sync keeps them.
    pod["containers"].append({"name": "proxy", "image": "envoy:1"})
    pod["containers"][0]["env"] = [{"name": "INJECTED", "value": "1"}]
    assert "modified" not in managed_item(target, live, STATUS_RULE)
    # A container Git used to have (it is in last-applied) and dropped is removed.
    old = deployment()
    old["spec"]["template"]["spec"]["containers"].append({"name": "old", "image": "busybox:1"})
    live = make_live(old, app="web", client_side_apply=True)
    item = managed_item(deployment(), live, STATUS_RULE)
    predicted = json.loads(item["predictedLiveState"])
    assert [c["name"] for c in predicted["spec"]["template"]["spec"]["containers"]] == ["web"]
    assert item["modified"] is True


def test_lists_of_custom_resources_are_replaced_whole() -> None:
    target = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {"name": "m", "namespace": "web"},
        "spec": {"endpoints": [{"port": "http"}]},
    }
    live = make_live(target, app="web", client_side_apply=False)
    live["spec"]["endpoints"].append({"port": "metrics"})
    predicted = json.loads(managed_item(target, live, STATUS_RULE)["predictedLiveState"])
    assert predicted["spec"]["endpoints"] == [{"port": "http"}]
