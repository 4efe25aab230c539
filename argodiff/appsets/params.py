"""Generator parameters as the ApplicationSet controller builds them: flattening, name
sanitizing, fasttemplate substitution, label selectors and `values`
(applicationset/utils, applicationset/generators/generator_spec_processor.go)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from argodiff.errors import ManifestError

Params = dict[str, Any]
"""One parameter set: flat strings (fasttemplate) or nested data (goTemplate)."""

_INVALID_DNS = re.compile(r"[^-a-z0-9.]")
_TAG = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_SKIPPED_KEYS = frozenset({"valuesObject"})
"""Argo CD templates string fields of the Application struct; `helm.valuesObject` is raw
bytes there (runtime.RawExtension), so it is passed through untemplated."""


def sanitize_name(name: str) -> str:
    """utils.SanitizeName (the `normalize` function and the `*Normalized` parameters)."""
    name = _INVALID_DNS.sub("-", name.lower())[:253]
    return name.strip("-.")


def go_string(value: Any) -> str:
    """fmt.Sprintf("%v") of a JSON value, as flattened parameters are written."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    if isinstance(value, list):
        return "[" + " ".join(go_string(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = " ".join(f"{k}:{go_string(v)}" for k, v in sorted(value.items()))
        return f"map[{inner}]"
    return str(value)


def flatten(obj: Any, prefix: str = "") -> dict[str, str]:
    """jeremywohl/flatten DotStyle: `a.b`, list items as `a.0`; leaves as `%v` strings."""
    out: dict[str, str] = {}
    if isinstance(obj, dict) and obj:
        for key, value in obj.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(obj, list) and obj:
        for index, value in enumerate(obj):
            out.update(flatten(value, f"{prefix}.{index}" if prefix else str(index)))
    elif prefix:
        out[prefix] = go_string(obj) if not isinstance(obj, dict | list) else ""
    return out


def fasttemplate(text: str, params: Params) -> str:
    """Render.Replace without goTemplate: `{{ key }}` (spaces trimmed) becomes the string
    parameter `key`; an unknown tag is left exactly as written."""

    def repl(match: re.Match[str]) -> str:
        tag = match.group(1).strip()
        value = params.get(tag)
        return value if tag and isinstance(value, str) else match.group(0)

    return _TAG.sub(repl, text) if "{{" in text else text


def render_strings(obj: Any, render: Callable[[str], str]) -> Any:
    """Every string value of a JSON structure passed through `render` (map keys are not)."""
    if isinstance(obj, str):
        return render(obj)
    if isinstance(obj, dict):
        return {k: v if k in _SKIPPED_KEYS else render_strings(v, render) for k, v in obj.items()}
    if isinstance(obj, list):
        return [render_strings(v, render) for v in obj]
    return obj


def strings_of(obj: Any) -> list[str]:
    """The strings `render_strings` would render, in its order."""
    found: list[str] = []

    def keep(text: str) -> str:
        found.append(text)
        return text

    render_strings(obj, keep)
    return found


# --- label selectors (metav1.LabelSelectorAsSelector on the flattened parameters) ----------


def _requirement_ok(expr: Any, labels: dict[str, str]) -> bool:
    if not isinstance(expr, dict) or not expr.get("key"):
        raise ManifestError("selector matchExpressions entries need a key and an operator")
    key, op = str(expr["key"]), str(expr.get("operator") or "")
    values = [str(v) for v in expr.get("values") or []]
    if op == "In":
        return key in labels and labels[key] in values
    if op == "NotIn":
        return key not in labels or labels[key] not in values
    if op == "Exists":
        return key in labels
    if op == "DoesNotExist":
        return key not in labels
    raise ManifestError(f"selector operator {op!r} is not In, NotIn, Exists or DoesNotExist")


def selector_matches(selector: Any, labels: dict[str, str]) -> bool:
    """Whether a `selector` (matchLabels and matchExpressions) selects `labels`; an empty or
    missing selector selects everything."""
    if not selector:
        return True
    if not isinstance(selector, dict):
        raise ManifestError("a generator selector must be a mapping")
    match_labels = selector.get("matchLabels") or {}
    if not isinstance(match_labels, dict):
        raise ManifestError("selector matchLabels must be a mapping")
    if any(labels.get(str(k)) != go_string(v) for k, v in match_labels.items()):
        return False
    return all(_requirement_ok(e, labels) for e in selector.get("matchExpressions") or [])


def selector_is_empty(selector: Any) -> bool:
    return not (
        isinstance(selector, dict)
        and (selector.get("matchLabels") or selector.get("matchExpressions"))
    )


def flat_labels(params: Params) -> dict[str, str]:
    """Parameters as selector labels (generator_spec_processor.go flattenParameters)."""
    return {k: v if isinstance(v, str) else go_string(v) for k, v in flatten(params).items()}
