"""Pairing targets with live objects: namespaces, hooks, duplicates, tracking, order."""

from __future__ import annotations

import pytest

from argodiff.engine import diff_app
from argodiff.errors import AppError
from argodiff.model import ArgoSettings, Change, Manifest
from tests.engine import objects as o


def _cm(name: str, **meta: object) -> Manifest:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, **meta},
        "data": {"k": "v"},
    }


def test_missing_namespace_is_filled_from_the_destination() -> None:
    [result] = diff_app(o.app(), [_cm("settings")], [], o.settings())
    assert result.key.namespace == o.NS
    assert result.diff.startswith("===== /ConfigMap web/settings ======\n")
    assert "+  namespace: web" in result.diff


def test_namespaced_target_pairs_with_its_live_object() -> None:
    assert diff_app(o.app(), [o.service()], [o.live_service()], o.settings()) == []


def test_cluster_scoped_target_loses_its_namespace() -> None:
    role = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": {"name": "reader"},
        "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}],
    }
    live = o.as_live(role)
    target = o.clone(role)
    target["metadata"]["namespace"] = "kube-system"
    assert diff_app(o.app(), [target], [live], o.settings()) == []
    [added] = diff_app(o.app(), [target], [], o.settings())
    assert added.diff.startswith("===== rbac.authorization.k8s.io/ClusterRole /reader ======")


def test_first_object_of_a_new_namespaced_kind_keeps_a_namespace() -> None:
    """Argo CD's CLI would clear it (unknown kinds count as cluster-scoped there)."""
    cluster = {
        "apiVersion": "pingcap.com/v1alpha1",
        "kind": "TidbCluster",
        "metadata": {"name": "basic"},
    }
    [result] = diff_app(o.app(), [cluster], [], o.settings())
    assert str(result.key) == "pingcap.com/TidbCluster web/basic"


def test_a_crd_in_the_targets_decides_the_scope_of_its_instances() -> None:
    crd = o.crd(properties=1, depth=1)
    crd["spec"]["scope"] = "Cluster"
    cluster = {
        "apiVersion": "pingcap.com/v1alpha1",
        "kind": "TidbCluster",
        "metadata": {"name": "basic"},
    }
    results = diff_app(o.app(), [crd, cluster], [], o.settings())
    assert [str(r.key) for r in results] == [
        "apiextensions.k8s.io/CustomResourceDefinition /tidbclusters.pingcap.com",
        "pingcap.com/TidbCluster /basic",
    ]


@pytest.mark.parametrize(
    ("annotation", "value", "compared"),
    [
        ("argocd.argoproj.io/hook", "PreSync", False),
        ("argocd.argoproj.io/hook", "Skip,PostSync", False),
        ("argocd.argoproj.io/hook", "Skip", True),
        ("helm.sh/hook", "post-install", False),
        ("helm.sh/hook", "crd-install", True),
    ],
)
def test_hooks_are_not_compared(annotation: str, value: str, compared: bool) -> None:
    hook = _cm("migrate", annotations={annotation: value})
    live_hook = o.as_live({**hook, "metadata": {**hook["metadata"], "namespace": o.NS}})
    assert bool(diff_app(o.app(), [hook], [], o.settings())) is compared
    assert bool(diff_app(o.app(), [], [live_hook], o.settings())) is compared


def test_duplicate_targets_last_one_wins() -> None:
    first, second = _cm("dup"), _cm("dup")
    second["data"] = {"k": "second"}
    [result] = diff_app(o.app(), [first, second], [], o.settings())
    assert "k: second" in result.diff
    assert "k: v" not in result.diff


def test_generate_name_gets_an_index() -> None:
    job = _cm("")
    job["metadata"] = {"generateName": "seed-"}
    results = diff_app(o.app(), [_cm("a"), job], [], o.settings())
    assert [r.key.name for r in results] == ["a", "seed-1"]


def _stale(name: str) -> Manifest:
    """A live ConfigMap whose tracking id names another app: a changed id shows in the diff."""
    live = _cm(name, namespace=o.NS, annotations={"argocd.argoproj.io/tracking-id": "old:x"})
    live["data"] = {"k": "old"}
    return live


def test_local_renders_get_tracking_as_the_repo_server_writes_it() -> None:
    settings = ArgoSettings(tracking_method="annotation+label", installation_id="lolice")
    [result] = diff_app(o.app(), [_cm("settings")], [_stale("settings")], settings)
    assert "+    argocd.argoproj.io/tracking-id: web:/ConfigMap:web/settings" in result.diff
    assert "+    argocd.argoproj.io/installation-id: lolice" in result.diff
    assert "+    app.kubernetes.io/instance: web" in result.diff
    [labelled] = diff_app(o.app(), [_cm("settings")], [], ArgoSettings(tracking_method="label"))
    assert "tracking-id" not in labelled.diff
    assert "+    app.kubernetes.io/instance: web" in labelled.diff


def test_apps_outside_the_controller_namespace_use_a_qualified_instance_name() -> None:
    app = o.app(namespace="team-a")
    [result] = diff_app(app, [_cm("settings")], [_stale("settings")], o.settings())
    assert "+    argocd.argoproj.io/tracking-id: team-a_web:/ConfigMap:web/settings" in result.diff


def test_the_tracking_id_shows_only_where_it_changes() -> None:
    [added] = diff_app(o.app(), [_cm("settings")], [], o.settings())
    assert "tracking-id" not in added.diff
    live = o.as_live({**_cm("settings", namespace=o.NS), "data": {"k": "old"}})
    [modified] = diff_app(o.app(), [_cm("settings")], [live], o.settings())
    assert modified.paths == ["data.k"]
    assert "tracking-id" not in modified.diff
    assert "uid:" not in modified.diff


def test_added_and_removed_resources_appear_whole_and_sorted() -> None:
    live = o.as_live(_cm("old", namespace=o.NS))
    results = diff_app(o.app(), [o.service(), _cm("new")], [live], o.settings())
    assert [(r.change, str(r.key)) for r in results] == [
        (Change.ADDED, "/ConfigMap web/new"),
        (Change.REMOVED, "/ConfigMap web/old"),
        (Change.ADDED, "/Service web/web"),
    ]
    added, removed = results[0].diff.splitlines(), results[1].diff.splitlines()
    assert added[1:4] == ["--- live", "+++ predicted", f"@@ -0,0 +1,{len(added) - 4} @@"]
    assert all(line.startswith("+") for line in added[4:])
    assert removed[3] == f"@@ -1,{len(removed) - 4} +0,0 @@"
    assert all(line.startswith("-") for line in removed[4:])


def test_offline_live_objects_are_placed_like_targets() -> None:
    """In offline mode live is a render of the base revision: same namespaces and tracking."""
    base = _cm("settings")
    head = _cm("settings")
    head["data"] = {"k": "changed"}
    [result] = diff_app(o.app(), [head], [base], o.settings())
    assert result.change is Change.MODIFIED
    assert result.paths == ["data.k"]


def test_objects_that_are_not_kubernetes_objects_name_the_app_and_file() -> None:
    with pytest.raises(AppError) as err:
        diff_app(o.app(), [{"apiVersion": "v1", "metadata": {"name": "x"}}], [], o.settings())
    assert str(err.value).startswith("app web, argoproj/web/app.yaml: desired object 1")
    with pytest.raises(AppError, match="live object 1 is a list"):
        diff_app(o.app(), [], [[]], o.settings())  # type: ignore[list-item]
