"""What a diff shows: both sides without the API server's bookkeeping.

The verdict and the changed paths are computed on the full objects first; only the text a
reviewer reads leaves out fields that never come from Git: uid, resourceVersion, generation,
creationTimestamp, managedFields, selfLink, the last-applied annotation and `status` (Argo CD
3.x ignores status on every resource by default: `resource.compareoptions`
`ignoreResourceStatusField: all`). The tracking-id annotation is Argo CD's own stamp: it is
shown only where it changes.
"""

from __future__ import annotations

from argodiff.engine.secrets import LAST_APPLIED
from argodiff.engine.tracking import TRACKING_ID
from argodiff.model import Manifest

SERVER_METADATA = frozenset(
    {"managedFields", "uid", "resourceVersion", "generation", "creationTimestamp", "selfLink"}
)


def _annotations(obj: Manifest | None) -> dict[str, object]:
    meta = obj.get("metadata") if obj else None
    notes = meta.get("annotations") if isinstance(meta, dict) else None
    return notes if isinstance(notes, dict) else {}


def _trimmed(obj: Manifest | None, drop_tracking: bool) -> Manifest | None:
    if obj is None:
        return None
    out = {k: v for k, v in obj.items() if k != "status"}
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        return out
    meta = {k: v for k, v in meta.items() if k not in SERVER_METADATA}
    dropped = {LAST_APPLIED, TRACKING_ID} if drop_tracking else {LAST_APPLIED}
    notes = _annotations(obj)
    if dropped & notes.keys():
        kept = {k: v for k, v in notes.items() if k not in dropped}
        meta = (
            {**meta, "annotations": kept}
            if kept
            else {k: v for k, v in meta.items() if k != "annotations"}
        )
    out["metadata"] = meta
    return out


def for_display(
    live: Manifest | None, predicted: Manifest | None
) -> tuple[Manifest | None, Manifest | None]:
    """Both sides as the diff text shows them. If that would hide every difference (only
    bookkeeping changed), both sides are returned whole: a change is never shown as empty."""
    tracking_changed = (
        live is not None
        and predicted is not None
        and _annotations(live).get(TRACKING_ID) != _annotations(predicted).get(TRACKING_ID)
    )
    shown = _trimmed(live, not tracking_changed), _trimmed(predicted, not tracking_changed)
    if shown[0] == shown[1]:
        return live, predicted
    return shown
