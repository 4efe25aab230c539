"""Pre-diff normalization of one object, as gitops-engine's `remarshal` and `Normalize` do
(gitops-engine pkg/diff/diff.go). Works in place on the engine's private copies."""

from __future__ import annotations

import base64
import json
from typing import Any

from argodiff.engine import quantity
from argodiff.engine.kinds import group_kind, is_builtin, is_core, metadata
from argodiff.model import Manifest

FREE_FORM = frozenset(
    {
        "labels",
        "annotations",
        "data",
        "binaryData",
        "stringData",
        "matchLabels",
        "nodeSelector",
        "selector",
        "podSelector",
        "namespaceSelector",
        "objectSelector",
        "labelSelector",
        "parameters",
        "volumeAttributes",
        "fieldsV1",
    }
)
"""Maps whose content is user data, raw JSON (managedFields) or a selector (where `{}` means
"everything"): kept as they are."""

QUANTITY_MAPS = frozenset({"limits", "requests", "hard", "capacity", "allocatable", "overhead"})
LIMIT_RANGE_MAPS = frozenset({"max", "min", "default", "defaultRequest", "maxLimitRequestRatio"})
QUANTITY_SCALARS = frozenset({"sizeLimit"})
RBAC_GROUP = "rbac.authorization.k8s.io"


def _empty(value: Any) -> bool:
    return value is None or value in ("", [], {})


def _canonical_map(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    return {k: quantity.canonical(v) or v for k, v in value.items()}


def _prune(node: Any, quantity_maps: frozenset[str], keep: frozenset[str]) -> None:
    """Drop the empty fields a typed round trip omits (omitempty) and canonicalize quantities.

    Emptiness is judged on the original value, so a struct that only held empty fields stays
    as `{}`, as the typed marshaller keeps it.
    """
    if isinstance(node, list):
        for item in node:
            _prune(item, quantity_maps, keep)
        return
    if not isinstance(node, dict):
        return
    for key in list(node):
        value = node[key]
        if key in keep or key in FREE_FORM:
            continue
        if _empty(value):
            del node[key]
        elif key in quantity_maps:
            node[key] = _canonical_map(value)
        elif key in QUANTITY_SCALARS:
            node[key] = quantity.canonical(value) or value
        else:
            _prune(value, quantity_maps, keep)


def remarshal(obj: Manifest) -> None:
    """Step 2.1: what the round trip through the typed Go struct changes, for built-in kinds.

    Also applied to `spec.template.spec` of Argo Rollouts, which Argo CD's known-types
    normalizer re-marshals as a PodSpec.
    """
    group, kind = group_kind(obj)
    if (group, kind) == ("argoproj.io", "Rollout"):
        template = (obj.get("spec") or {}).get("template")
        if isinstance(template, dict):
            _prune(template.get("spec"), QUANTITY_MAPS, frozenset())
        return
    if not is_builtin(obj):
        return
    maps = QUANTITY_MAPS
    if (group, kind) == ("", "LimitRange"):
        maps |= LIMIT_RANGE_MAPS
    # Role rules are not omitempty: `rules: []` survives the round trip (and Normalize nulls it).
    keep = frozenset({"rules"}) if group == RBAC_GROUP else frozenset()
    _prune(obj, maps, keep)


def normalize_secret(obj: Manifest) -> None:
    """gitops-engine NormalizeSecret: stringData folds into data as base64; empty values -> ""."""
    if not is_core(obj, "Secret"):
        return
    data = obj.get("data")
    data = dict(data) if isinstance(data, dict) else {}
    string_data = obj.pop("stringData", None)
    if isinstance(string_data, dict):
        for key, value in string_data.items():
            text = value if isinstance(value, str) else "" if value is None else json.dumps(value)
            data[key] = base64.b64encode(text.encode()).decode()
    if data or "data" in obj:
        obj["data"] = {k: "" if v is None else v for k, v in data.items()}


def _endpoints(obj: Manifest) -> None:
    """Endpoints order is not meaningful; ports default to TCP (gitops-engine normalizeEndpoint)."""
    subsets = obj.get("subsets")
    if not isinstance(subsets, list):
        return

    def address_key(addr: Any) -> tuple[str, str]:
        if not isinstance(addr, dict):
            return ("", json.dumps(addr, sort_keys=True))
        ref = addr.get("targetRef")
        uid = ref.get("uid") if isinstance(ref, dict) else None
        return (str(addr.get("ip") or ""), str(uid or ""))

    for subset in subsets:
        if not isinstance(subset, dict):
            continue
        for field in ("addresses", "notReadyAddresses"):
            if isinstance(subset.get(field), list):
                subset[field].sort(key=address_key)
        if isinstance(subset.get("ports"), list):
            for port in subset["ports"]:
                if isinstance(port, dict):
                    port.setdefault("protocol", "TCP")
            subset["ports"].sort(key=lambda p: json.dumps(p, sort_keys=True))
    subsets.sort(key=lambda s: json.dumps(s, sort_keys=True))


def normalize(obj: Manifest) -> None:
    """Step 2.2 a–d: creationTimestamp, Secrets, empty Role rules, Endpoints."""
    metadata(obj).pop("creationTimestamp", None)
    group, kind = group_kind(obj)
    if (group, kind) == ("", "Secret"):
        normalize_secret(obj)
    elif group == RBAC_GROUP and kind in ("Role", "ClusterRole") and obj.get("rules") == []:
        obj["rules"] = None
    elif (group, kind) == ("", "Endpoints"):
        _endpoints(obj)
