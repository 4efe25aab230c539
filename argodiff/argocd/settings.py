"""Read `GET /api/v1/settings` into ArgoSettings (argocd-api.md §1.7)."""

from __future__ import annotations

import re
from typing import Any

from argodiff.application import ignore_rule_from_dict
from argodiff.argocd.errors import TokenRejected, UnexpectedAnswer
from argodiff.errors import ManifestError
from argodiff.model import ArgoSettings, IgnoreRule
from argodiff.yamlio import iter_documents

SETTINGS_PATH = "/api/v1/settings"
DEFAULTS = ArgoSettings()
_MAJOR = re.compile(r"^v?(\d+)\.")


def default_tracking_method(version: str) -> str:
    """What an empty `trackingMethod` means: Argo CD 3.0 made `annotation` the default; 2.x
    tracked by `label` (v3.0.x and 2.x answer "" here; v3.1+ fill it in)."""
    match = _MAJOR.match(version)
    if match and int(match.group(1)) < 3:
        return "label"
    return "annotation"


def parse_settings(body: dict[str, Any], version: str) -> ArgoSettings:
    """ArgoSettings from the settings answer; `version` is the server's `/api/version`."""
    # Argo CD fills resourceOverrides and controllerNamespace only for a logged-in caller and
    # answers anonymous callers 200 without them (server/settings/settings.go). Both absent is
    # an unaccepted token; an install with no overrides at all still names its namespace.
    if "resourceOverrides" not in body and "controllerNamespace" not in body:
        raise TokenRejected(
            "the settings came back as for an anonymous caller (no resourceOverrides)"
        )
    return ArgoSettings(
        app_label_key=_text(body, "appLabelKey") or DEFAULTS.app_label_key,
        tracking_method=_text(body, "trackingMethod") or default_tracking_method(version),
        installation_id=_text(body, "installationID"),
        controller_namespace=_text(body, "controllerNamespace") or DEFAULTS.controller_namespace,
        resource_overrides=parse_overrides(body.get("resourceOverrides")),
        kustomize_build_options=_text(body.get("kustomizeOptions") or {}, "buildOptions"),
    )


def parse_overrides(raw: Any) -> dict[str, IgnoreRule]:
    """`resourceOverrides` -> ignore rules by key; keys without any ignore entry are left out."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _bad("resourceOverrides is not an object")
    rules: dict[str, IgnoreRule] = {}
    for key, override in raw.items():
        if not isinstance(override, dict):
            raise _bad(f"resourceOverrides[{key!r}] is not an object")
        fields = _ignore_fields(key, override.get("ignoreDifferences"))
        if not fields:
            continue
        group, kind = override_group_kind(key)
        rule = ignore_rule_from_dict({**fields, "group": group, "kind": kind})
        if rule.json_pointers or rule.jq_path_expressions or rule.managed_fields_managers:
            rules[key] = rule
    return rules


def override_group_kind(key: str) -> tuple[str, str]:
    """`apps/Deployment` -> (apps, Deployment); `Service` -> ("", Service); `*/*` -> (*, *).
    Mirrors getGroupKindForOverrideKey in util/argo/normalizers/diff_normalizer.go."""
    parts = key.split("/")
    if len(parts) == 1:
        return "", parts[0]
    if len(parts) == 2:
        return parts[0], parts[1]
    raise _bad(f"resourceOverrides key {key!r} is neither <group>/<kind> nor <kind>")


def _ignore_fields(key: str, value: Any) -> dict[str, Any]:
    """The ignoreDifferences entry: Argo CD's custom MarshalJSON sends it as a YAML string."""
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        return value
    if not isinstance(value, str):
        raise _bad(f"resourceOverrides[{key!r}].ignoreDifferences is not a YAML string")
    source = f"resourceOverrides[{key!r}].ignoreDifferences"
    try:
        docs = [d for d in iter_documents(value, source) if d is not None]
    except ManifestError as exc:
        raise _bad(str(exc)) from None
    if not docs:
        return {}
    if len(docs) > 1 or not isinstance(docs[0], dict):
        raise _bad(f"{source} is not one YAML mapping")
    fields: dict[str, Any] = docs[0]
    return fields


def _text(body: Any, key: str) -> str:
    value = body.get(key) if isinstance(body, dict) else None
    return value if isinstance(value, str) else ""


def _bad(detail: str) -> UnexpectedAnswer:
    return UnexpectedAnswer(SETTINGS_PATH, detail)
