"""Argo CD resource tracking: how the repo-server stamps targets and how the diff hides it.

Mirrors argo-cd util/argo/resource_tracking.go (SetAppInstance, Normalize).
"""

from __future__ import annotations

import re

from argodiff.engine.kinds import (
    annotations_of,
    group_kind,
    is_crd,
    labels_of,
    metadata,
    string_map,
)
from argodiff.model import Application, ArgoSettings, Manifest

TRACKING_ID = "argocd.argoproj.io/tracking-id"
INSTALLATION_ID = "argocd.argoproj.io/installation-id"
_LABEL_MAX = 63


def instance_name(app: Application, settings: ArgoSettings) -> str:
    """`app.InstanceName`: `<ns>_<name>` for apps outside the controller's namespace."""
    if app.namespace and app.namespace != settings.controller_namespace:
        return f"{app.namespace}_{app.name}"
    return app.name


def uses_annotation(settings: ArgoSettings) -> bool:
    """An empty tracking method is the v3 default, annotation tracking."""
    return settings.tracking_method != "label"


def is_tracked(obj: Manifest, settings: ArgoSettings) -> bool:
    """Whether the object already carries the marker the configured method writes."""
    if uses_annotation(settings):
        return TRACKING_ID in annotations_of(obj)
    return settings.app_label_key in labels_of(obj)


def set_app_instance(
    obj: Manifest, app: Application, settings: ArgoSettings, namespace: str
) -> None:
    """Stamp tracking as the repo-server does for every rendered object except CRDs.

    `namespace` is the app's destination namespace: Argo CD writes it into the tracking id of
    objects without a namespace (cluster-scoped ones included).
    """
    if is_crd(obj):
        return
    value = instance_name(app, settings)
    method = settings.tracking_method
    if method in ("label", "annotation+label") and settings.app_label_key:
        label = value
        if method == "annotation+label" and len(label) > _LABEL_MAX:
            label = re.sub(r"[^a-zA-Z0-9]+$", "", label[:_LABEL_MAX])
        string_map(obj, "labels")[settings.app_label_key] = label
    if uses_annotation(settings):
        group, kind = group_kind(obj)
        meta = metadata(obj)
        ns = str(meta.get("namespace") or "") or namespace
        notes = string_map(obj, "annotations")
        notes[TRACKING_ID] = f"{value}:{group}/{kind}:{ns}/{meta.get('name') or ''}"
        if settings.installation_id:
            notes[INSTALLATION_ID] = settings.installation_id
        else:
            notes.pop(INSTALLATION_ID, None)


def normalize_tracking(live: Manifest, target: Manifest, settings: ArgoSettings) -> None:
    """Step 1.1 of Argo CD's pre-diff normalization: a resource adopted through the instance
    label (older Argo CD, label tracking) must not show the tracking annotation or the label
    as a change after the switch to annotation tracking."""
    if settings.tracking_method in ("", "label") or is_crd(live):
        return
    key = settings.app_label_key
    if not labels_of(live).get(key):
        return
    target_id = annotations_of(target).get(TRACKING_ID)
    if TRACKING_ID not in annotations_of(live) and target_id is not None:
        string_map(live, "annotations")[TRACKING_ID] = target_id
    if key not in labels_of(target):
        string_map(live, "labels").pop(key, None)
