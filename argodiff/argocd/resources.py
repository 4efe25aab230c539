"""Read the managed-resources and manifests answers (argocd-api.md §1.3, §1.5)."""

from __future__ import annotations

import json
from typing import Any

from argodiff.argocd.errors import UnexpectedAnswer
from argodiff.model import LiveResource, Manifest, ResourceKey


def parse_managed_resources(body: dict[str, Any], path: str, app: str) -> list[LiveResource]:
    """LiveResources from `{"items": [ResourceDiff…]}`; hooks are not part of the diff."""
    out: list[LiveResource] = []
    for index, item in enumerate(_list(body, "items", path, app)):
        if not isinstance(item, dict):
            raise UnexpectedAnswer(path, f"item {index + 1} is not an object", app=app)
        # The server already drops hooks (application.go ManagedResources); older ones did not.
        if item.get("hook") is True:
            continue
        key = ResourceKey(
            group=str(item.get("group") or ""),
            kind=str(item.get("kind") or ""),
            namespace=str(item.get("namespace") or ""),
            name=str(item.get("name") or ""),
        )
        where = f"{key}: "
        out.append(
            LiveResource(
                key=key,
                live=_state(item.get("normalizedLiveState"), path, where, app),
                target=_state(item.get("targetState"), path, where, app),
            )
        )
    return out


def parse_manifests(body: dict[str, Any], path: str, app: str) -> list[Manifest]:
    """The objects of `{"manifests": ["<json>", …]}`."""
    out: list[Manifest] = []
    for index, text in enumerate(_list(body, "manifests", path, app)):
        obj = _state(text, path, f"manifest {index + 1}: ", app)
        if obj is not None:
            out.append(obj)
    return out


def _list(body: dict[str, Any], key: str, path: str, app: str) -> list[Any]:
    # Go's omitempty drops an empty list, so a missing key means none.
    value = body.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise UnexpectedAnswer(path, f"{key} is not a list", app=app)
    return value


def _state(value: Any, path: str, where: str, app: str) -> Manifest | None:
    """One object sent as a JSON string; `"null"` (or nothing) means absent."""
    if value is None or value in ("", "null"):
        return None
    if not isinstance(value, str):
        raise UnexpectedAnswer(path, f"{where}expected a JSON string", app=app)
    try:
        obj = json.loads(value)
    except ValueError as exc:
        raise UnexpectedAnswer(path, f"{where}invalid JSON ({exc})", app=app) from None
    if obj is None:
        return None
    if not isinstance(obj, dict):
        raise UnexpectedAnswer(path, f"{where}not a JSON object", app=app)
    return obj
