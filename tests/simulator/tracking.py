"""Argo CD resource tracking, written independently of argodiff's own (an oracle for tests).

Mirrors util/argo/resource_tracking.go SetAppInstance: the repo-server stamps every rendered
manifest except CRDs (reposerver/repository/repository.go) with the app's tracking marks.
"""

from __future__ import annotations

from tests.simulator.kube import Obj, annotations_of, group_of, is_crd, meta

TRACKING_ID = "argocd.argoproj.io/tracking-id"
INSTALLATION_ID = "argocd.argoproj.io/installation-id"
LABEL_MAX = 63


def tracking_id(app: str, obj: Obj, dest_namespace: str) -> str:
    """`<app>:<group>/<kind>:<ns>/<name>`; ns falls back to the destination namespace."""
    m = obj.get("metadata") or {}
    ns = str(m.get("namespace") or dest_namespace)
    return f"{app}:{group_of(obj)}/{obj.get('kind')}:{ns}/{m.get('name')}"


def stamp(
    obj: Obj,
    *,
    app: str,
    dest_namespace: str,
    method: str = "annotation",
    label_key: str = "app.kubernetes.io/instance",
    installation_id: str = "",
) -> None:
    """Add the tracking annotation and/or label in place (nothing on CRDs)."""
    if is_crd(obj):
        return
    if "annotation" in method:
        ann = annotations_of(obj)
        ann[TRACKING_ID] = tracking_id(app, obj, dest_namespace)
        if installation_id:
            ann[INSTALLATION_ID] = installation_id
        else:
            ann.pop(INSTALLATION_ID, None)
    if method in ("label", "annotation+label"):
        m = meta(obj)
        labels = m.get("labels")
        if not isinstance(labels, dict):
            labels = m["labels"] = {}
        # annotation+label truncates the label to 63 characters (resource_tracking.go).
        labels[label_key] = app if method == "label" else app[:LABEL_MAX].rstrip("-_.")
