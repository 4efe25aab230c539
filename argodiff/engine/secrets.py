"""Secret values never leave the engine: masks as Argo CD draws them, facts as notes.

Mirrors gitops-engine pkg/diff/diff.go HideSecretData: per key, each distinct value (in the
order target, live, their last-applied copies) becomes 8, 12, 16… `+`, so equal values get
equal masks and a changed value shows as a changed mask.
"""

from __future__ import annotations

import json
from typing import Any

from argodiff import messages
from argodiff.engine.normalize import normalize_secret
from argodiff.model import Manifest

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MASKED_NOTE = messages.SECRET_MASKED()
_FIRST_MASK = 8
_MASK_STEP = 4


def _data(obj: Manifest | None) -> dict[str, Any]:
    data = obj.get("data") if obj else None
    return data if isinstance(data, dict) else {}


def is_masked(obj: Manifest | None) -> bool:
    """Argo CD masked this side (all values are `+` runs); local renders hold real values."""
    values = list(_data(obj).values())
    return bool(values) and all(isinstance(v, str) and v and not v.strip("+") for v in values)


def last_applied(obj: Manifest | None) -> Manifest | None:
    """The parsed last-applied-configuration of a Secret, normalized like the object."""
    meta = obj.get("metadata") if obj else None
    notes = meta.get("annotations") if isinstance(meta, dict) else None
    text = notes.get(LAST_APPLIED) if isinstance(notes, dict) else None
    try:
        parsed = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    if not isinstance(parsed, dict):
        return None
    normalize_secret(parsed)
    return parsed


def align_masked(live: Manifest, target: Manifest) -> bool:
    """When Argo CD masked either side, values cannot be compared: make the keys both sides
    hold compare equal, so only added and removed keys (and other fields) can differ.
    True when a value of a key both sides hold may have changed unseen."""
    if not (is_masked(live) or is_masked(target)):
        return False
    live_data, target_data = _data(live), _data(target)
    common = target_data.keys() & live_data.keys()
    for key in common:
        target_data[key] = live_data[key]
    return bool(common)


def secret_notes(live: Manifest | None, predicted: Manifest | None, masked: bool) -> list[str]:
    """Key-level facts about the change, never a value."""
    before, after = _data(live), _data(predicted)
    notes = [MASKED_NOTE] if masked else []
    for key in sorted(before.keys() | after.keys()):
        if key not in before:
            notes.append(messages.SECRET_KEY_ADDED(key=key))
        elif key not in after:
            notes.append(messages.SECRET_KEY_REMOVED(key=key))
        elif not masked and before[key] != after[key]:
            notes.append(messages.SECRET_VALUE_CHANGED(key=key))
    return notes


class Masker:
    """One mask per distinct value of each key, shared by every object of one resource."""

    def __init__(self, sources: list[Manifest | None]) -> None:
        self._masks: dict[str, dict[str, str]] = {}
        for obj in sources:
            for key, value in _data(obj).items():
                self._mask(key, value)

    def _mask(self, key: str, value: Any) -> str:
        seen = self._masks.setdefault(key, {})
        marker = json.dumps(value)
        if marker not in seen:
            seen[marker] = "+" * (_FIRST_MASK + _MASK_STEP * len(seen))
        return seen[marker]

    def _masked_data(self, obj: Manifest) -> Manifest:
        out = dict(obj)
        if "data" in out and isinstance(out["data"], dict):
            out["data"] = {k: self._mask(k, v) for k, v in out["data"].items()}
        return out

    def mask(self, obj: Manifest | None) -> Manifest | None:
        """A copy with every data value masked and last-applied re-serialized from a masked
        copy (or replaced by a mask when it is not valid JSON)."""
        if obj is None:
            return None
        out = self._masked_data(obj)
        meta = out.get("metadata")
        notes = meta.get("annotations") if isinstance(meta, dict) else None
        if isinstance(meta, dict) and isinstance(notes, dict) and LAST_APPLIED in notes:
            applied = last_applied(obj)
            text = (
                "+" * _FIRST_MASK
                if applied is None
                else json.dumps(self._masked_data(applied), sort_keys=True, separators=(",", ":"))
            )
            out["metadata"] = {**meta, "annotations": {**notes, LAST_APPLIED: text}}
        return out
