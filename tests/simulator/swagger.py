"""Argo CD's swagger (assets/swagger.json of v3.5.1, kept at
<repo>/../shared/reference/argocd-swagger.json) as a strict validator for simulator bodies."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator  # type: ignore[import-untyped]

SWAGGER = (
    Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "argocd-swagger.json"
)
needs_swagger = pytest.mark.skipif(not SWAGGER.is_file(), reason=f"{SWAGGER} is not present")


@functools.cache
def swagger() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SWAGGER.read_text(encoding="utf-8"))
    return data


@functools.cache
def strict_definitions() -> dict[str, Any]:
    """The definitions with every declared object closed (additionalProperties: false), so a
    field Argo CD would never send is caught too.

    One documented exception: settings `resourceOverrides` values are YAML strings in reality
    (rawResourceOverride's custom MarshalJSON), while the swagger describes the Go struct, so
    that one field is only checked to be a map of objects holding those strings."""
    definitions: dict[str, Any] = copy.deepcopy(swagger()["definitions"])
    for schema in definitions.values():
        if schema.get("type") == "object" and "properties" in schema:
            schema.setdefault("additionalProperties", False)
    definitions["clusterSettings"]["properties"]["resourceOverrides"] = {
        "type": "object",
        "additionalProperties": {
            "type": "object",
            "properties": {
                "ignoreDifferences": {"type": "string"},
                "ignoreResourceUpdates": {"type": "string"},
            },
            "additionalProperties": False,
        },
    }
    return definitions


def check(name: str, body: Any) -> None:
    """Assert `body` is a valid `#/definitions/<name>` with no undeclared field."""
    schema = {"$ref": f"#/definitions/{name}", "definitions": strict_definitions()}
    errors = sorted(Draft4Validator(schema).iter_errors(body), key=lambda e: list(e.path))
    assert not errors, f"{name}: " + "; ".join(
        f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5]
    )
