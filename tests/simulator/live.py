"""The cluster side: live objects as the API server stores them, and Argo CD's view of them.

`make_live` turns a rendered target into what `kubectl get -o json` would show after Argo CD
applied it; `managed_item` builds one `managed-resources` item the way the application
controller fills it (controller/appcontroller.go hideSecretData + gitops-engine diff).
"""

from __future__ import annotations

import copy
import json
import uuid
from dataclasses import dataclass
from typing import Any

from argodiff.engine.schema import Schemas
from argodiff.engine.structured import field_set
from tests.simulator import defaults
from tests.simulator.kube import (
    Obj,
    annotations_of,
    canonical,
    go_json,
    group_of,
    is_secret,
    key_of,
    merge_patch,
    meta,
)
from tests.simulator.masking import LAST_APPLIED, hide, normalize_secret

CREATED = "2026-01-01T00:00:00Z"
MANAGER = "argocd-controller"


@dataclass(frozen=True)
class IgnoreRule:
    """An ignoreDifferences rule the simulator honours (JSON pointers only)."""

    group: str
    kind: str
    json_pointers: tuple[str, ...]
    name: str = ""
    namespace: str = ""

    def matches(self, obj: Obj) -> bool:
        m = obj.get("metadata") or {}
        return (
            self.group in ("*", group_of(obj))
            and self.kind in ("*", obj.get("kind"))
            and self.name in ("", m.get("name"))
            and self.namespace in ("", m.get("namespace") or "")
        )


def fields_v1(obj: Any) -> Any:
    """A managedFields `fieldsV1` set covering every field of `obj` (maps by key, named list
    items by `k:{"name":…}`, other lists whole)."""
    if not isinstance(obj, dict):
        return {}
    out: dict[str, Any] = {}
    for k, v in obj.items():
        if isinstance(v, list) and v and all(isinstance(i, dict) and "name" in i for i in v):
            out[f"f:{k}"] = {f'k:{{"name":"{i["name"]}"}}': {".": {}, **fields_v1(i)} for i in v}
        else:
            out[f"f:{k}"] = fields_v1(v) if isinstance(v, dict) else {}
    return out


def apply_set(target: Obj, applied: Obj) -> Obj:
    """The field set a server-side Apply records: by the kind's list types and map keys
    (structured-merge-diff ToFieldSet), as the API server computes it."""
    resolved = Schemas([target]).resolve(target)
    return field_set(applied, resolved.root, resolved.schema)


def applied_form(target: Obj) -> str:
    """What `kubectl apply` stores in last-applied-configuration: the object as sent, as JSON."""
    obj = copy.deepcopy(target)
    annotations_of(obj).pop(LAST_APPLIED, None)
    return json.dumps(obj, sort_keys=True, separators=(",", ":")) + "\n"


def _stable_number(text: str) -> int:
    return uuid.uuid5(uuid.NAMESPACE_URL, text).int


def make_live(target: Obj, *, app: str, client_side_apply: bool) -> Obj:
    """The live object after Argo CD applied `target` (its namespace already resolved)."""
    live = normalize_secret(target) if is_secret(target) else copy.deepcopy(target)
    live.pop("status", None)
    defaults.apply(live)
    m = meta(live)
    ident = "/".join((app, *key_of(live)))
    m["uid"] = str(uuid.uuid5(uuid.NAMESPACE_URL, ident))
    m["resourceVersion"] = str(100000 + _stable_number(ident) % 900000)
    m["creationTimestamp"] = CREATED
    if "spec" in live:
        m["generation"] = 1
    operation = "Update" if client_side_apply else "Apply"
    if client_side_apply:
        annotations_of(live)[LAST_APPLIED] = applied_form(target)
    applied = {k: v for k, v in target.items() if k not in ("apiVersion", "kind")}
    managed: list[Obj] = [
        {
            "apiVersion": live.get("apiVersion"),
            "fieldsType": "FieldsV1",
            "fieldsV1": fields_v1(applied) if client_side_apply else apply_set(target, applied),
            "manager": MANAGER,
            "operation": operation,
            "time": CREATED,
        }
    ]
    status = defaults.status_for(live)
    if status is not None:
        live["status"] = status
        managed.append(
            {
                "apiVersion": live.get("apiVersion"),
                "fieldsType": "FieldsV1",
                "fieldsV1": {"f:status": fields_v1(status)},
                "manager": "kube-controller-manager",
                "operation": "Update",
                "subresource": "status",
                "time": CREATED,
            }
        )
    m["managedFields"] = managed
    return live


def bump(live: Obj, patch: Obj) -> Obj:
    """`live` after someone patched it outside Git: new resourceVersion, new generation if the
    spec changed (as the API server does)."""
    out: Obj = merge_patch(live, patch)
    m = meta(out)
    m["resourceVersion"] = str(int(m.get("resourceVersion") or 0) + 1)
    if "spec" in patch and "generation" in m:
        m["generation"] = int(m["generation"]) + 1
    return out


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _remove_pointer(obj: Obj, pointer: str) -> None:
    """JSON-Patch `remove`; a missing path is skipped as Argo CD skips the failing patch."""
    parts = [_unescape(p) for p in pointer.split("/")[1:]]
    node: Any = obj
    for part in parts[:-1]:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return
    last = parts[-1] if parts else ""
    if isinstance(node, dict):
        node.pop(last, None)
    elif isinstance(node, list) and last.isdigit() and int(last) < len(node):
        del node[int(last)]


def normalize(obj: Obj, rules: list[IgnoreRule]) -> Obj:
    """gitops-engine Normalize: drop creationTimestamp, then the ignored fields."""
    out = copy.deepcopy(obj)
    meta(out).pop("creationTimestamp", None)
    for rule in rules:
        if rule.matches(out):
            for pointer in rule.json_pointers:
                _remove_pointer(out, pointer)
    return out


# Strategic-merge keys of the built-in list fields (the k8s Go types' patchMergeKey tags).
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "volumes": "name",
    "env": "name",
    "imagePullSecrets": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "hostAliases": "ip",
    "topologySpreadConstraints": "topologyKey",
}
BUILT_IN_GROUPS = frozenset(
    {
        "",
        "apps",
        "batch",
        "policy",
        "autoscaling",
        "networking.k8s.io",
        "rbac.authorization.k8s.io",
        "storage.k8s.io",
        "scheduling.k8s.io",
        "admissionregistration.k8s.io",
        "coordination.k8s.io",
        "discovery.k8s.io",
    }
)


def _merge_key(field_name: str, items: list[Any]) -> str | None:
    if field_name == "ports":
        # Container ports merge on containerPort, Service ports on port.
        return "containerPort" if any("containerPort" in i for i in items) else "port"
    return MERGE_KEYS.get(field_name)


def _apply(live: Any, target: Any, orig: Any, field_name: str, strategic: bool) -> Any:
    """Three-way apply: set what `target` says, delete what `orig` (last applied) had and
    `target` dropped, keep what only `live` has. Keyed lists merge item by item when
    `strategic` (built-in kinds); other lists are replaced whole (JSON merge patch)."""
    if isinstance(target, dict):
        out = dict(live) if isinstance(live, dict) else {}
        for k, v in target.items():
            o = orig.get(k) if isinstance(orig, dict) else None
            out[k] = _apply(out.get(k), v, o, k, strategic)
        if isinstance(orig, dict):
            for k in orig:
                if k not in target:
                    out.pop(k, None)
        return out
    if strategic and isinstance(target, list) and isinstance(live, list):
        key = _merge_key(field_name, target + live)
        if key and all(isinstance(i, dict) and key in i for i in target + live):
            before = {i[key]: i for i in live}
            applied = {i[key]: i for i in orig or [] if isinstance(i, dict) and key in i}
            wanted = {i[key] for i in target}
            merged = [_apply(before.get(i[key]), i, applied.get(i[key]), "", True) for i in target]
            return merged + [i for i in live if i[key] not in wanted and i[key] not in applied]
    return copy.deepcopy(target)


def predict(live: Obj, target: Obj) -> Obj:
    """The live object after applying `target`: three-way against last-applied when present
    (else two-way), then the API server's defaults (gitops-engine ThreeWayDiff)."""
    ann = (live.get("metadata") or {}).get("annotations") or {}
    try:
        orig = json.loads(ann[LAST_APPLIED]) if LAST_APPLIED in ann else target
    except ValueError:
        orig = target
    target = {k: v for k, v in target.items() if k != "status"}
    strategic = group_of(target) in BUILT_IN_GROUPS
    predicted: Obj = _apply(live, target, orig, "", strategic)
    if LAST_APPLIED in ann:
        annotations_of(predicted)[LAST_APPLIED] = applied_form(target)
    return defaults.apply(predicted)


def managed_item(target: Obj | None, live: Obj | None, rules: list[IgnoreRule]) -> Obj:
    """One `managed-resources` item (Go json, omitempty: no `modified` when false)."""
    obj = target if target is not None else live
    assert obj is not None
    if is_secret(obj):
        # The controller masks target and live as a pair before diffing them.
        target, live = hide(target, live)
    # Scheme defaults are applied to live as to the prediction (gitops-engine ThreeWayDiff).
    normalized = normalize(defaults.apply(copy.deepcopy(live)), rules) if live else None
    if target is not None and live is not None:
        predicted: Obj | None = normalize(predict(live, target), rules)
        modified = canonical(predicted) != canonical(normalized)
    elif target is not None:
        predicted = normalize(target, rules)
        modified = True
    else:
        predicted = None
        modified = False
    group, kind, namespace, name = key_of(obj)
    item: Obj = {
        "group": group,
        "kind": kind,
        "namespace": namespace,
        "name": name,
        "targetState": go_json(target),
        "liveState": go_json(live),
        "normalizedLiveState": go_json(normalized),
        "predictedLiveState": go_json(predicted),
        "modified": modified,
        "resourceVersion": str(((live or {}).get("metadata") or {}).get("resourceVersion") or ""),
    }
    return {k: v for k, v in item.items() if v not in ("", False)}
