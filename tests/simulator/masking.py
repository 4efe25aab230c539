"""Secret masking as Argo CD does it (gitops-engine pkg/diff HideSecretData), written anew.

Values of a Secret's `data` are replaced per distinct value: the first distinct value, in the
order target, live, target last-applied, live last-applied, becomes 8 `+`, the next 12, and so
on; equal values get equal masks, so a pair still shows whether a value changed.
"""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

from tests.simulator.kube import Obj

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
FIRST_MASK = 8
MASK_STEP = 4


def normalize_secret(obj: Obj) -> Obj:
    """stringData folded into data (base64), null values as "" (diff.NormalizeSecret)."""
    out = copy.deepcopy(obj)
    data = out.get("data")
    data = dict(data) if isinstance(data, dict) else {}
    string_data = out.pop("stringData", None)
    if isinstance(string_data, dict):
        for k, v in string_data.items():
            data[k] = base64.b64encode(str(v or "").encode()).decode()
    out["data"] = {k: "" if v is None else v for k, v in data.items()}
    if not out["data"] and "data" not in obj and not string_data:
        del out["data"]
    return out


def _last_applied(obj: Obj | None) -> Obj | None:
    if obj is None:
        return None
    text = ((obj.get("metadata") or {}).get("annotations") or {}).get(LAST_APPLIED)
    if text is None:
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return normalize_secret(parsed) if isinstance(parsed, dict) else None


def hide(target: Obj | None, live: Obj | None) -> tuple[Obj | None, Obj | None]:
    """Masked copies of a Secret pair (either side may be None)."""
    target = normalize_secret(target) if target is not None else None
    live = normalize_secret(live) if live is not None else None
    objs = [target, live, _last_applied(target), _last_applied(live)]
    keys: set[str] = set()
    for o in objs:
        if o is not None:
            keys.update((o.get("data") or {}).keys())
    for key in keys:
        masks: dict[Any, str] = {}
        for o in objs:
            data = (o or {}).get("data")
            if not isinstance(data, dict) or key not in data:
                continue
            value = data[key]
            if value not in masks:
                masks[value] = "+" * (FIRST_MASK + MASK_STEP * len(masks))
            data[key] = masks[value]
    # The last-applied annotation is re-serialized from its masked copy; one that is not JSON
    # is masked whole.
    for obj, applied in ((target, objs[2]), (live, objs[3])):
        annotations = ((obj or {}).get("metadata") or {}).get("annotations") or {}
        if LAST_APPLIED not in annotations:
            continue
        annotations[LAST_APPLIED] = (
            "+" * FIRST_MASK
            if applied is None
            else json.dumps(applied, sort_keys=True, separators=(",", ":"))
        )
    return target, live
