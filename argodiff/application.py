"""Read an Argo CD Application object (from the API or a file) into the Application model."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from argodiff.errors import ManifestError
from argodiff.model import Application, IgnoreRule, Manifest, Source

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

APPLICATION_API_GROUP = "argoproj.io"
MANIFEST_GENERATE_PATHS = "argocd.argoproj.io/manifest-generate-paths"

T = TypeVar("T", bound="DataclassInstance")


def is_application(obj: Any) -> bool:
    return (
        isinstance(obj, dict)
        and obj.get("kind") == "Application"
        and str(obj.get("apiVersion", "")).startswith(APPLICATION_API_GROUP + "/")
    )


def _str_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


def _text(value: Any) -> str:
    return str(value or "")


def _opt_map(value: Any) -> dict[str, Any] | None:
    return dict(value) if isinstance(value, dict) else None


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(v) for v in value if v is not None)


_READERS: dict[type, Callable[[Any], Any]] = {str: _text, tuple: _strings, type(None): _opt_map}
"""How a manifest value is read into a field, by the type of the field's default: text,
a list of strings, or an optional mapping (a source's tool blocks)."""


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(word.title() for word in rest)


def _from_manifest(cls: type[T], d: Any, what: str, keys: Mapping[str, str] | None = None) -> T:
    """`cls` with each field read from its camelCase key in `d` (`keys` names the others)."""
    if not isinstance(d, dict):
        raise ValueError(f"{what} must be a mapping")
    named = keys or {}
    return cls(
        **{
            f.name: _READERS[type(f.default)](d.get(named.get(f.name) or _camel(f.name)))
            for f in dataclasses.fields(cls)
        }
    )


def source_from_dict(d: Any) -> Source:
    return _from_manifest(Source, d, "a source", {"repo_url": "repoURL"})


def ignore_rule_from_dict(d: Any) -> IgnoreRule:
    return _from_manifest(IgnoreRule, d, "an ignoreDifferences entry")


def application_from_manifest(obj: Manifest, *, file: str = "") -> Application:
    """Raise ManifestError (naming the app and file) when the object is not a usable Application."""
    meta = obj.get("metadata")
    name = str(meta.get("name") or "") if isinstance(meta, dict) else ""
    if not name:
        raise ManifestError("Application without metadata.name", file=file)
    try:
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            raise ValueError("spec is missing or not a mapping")
        dest = spec.get("destination") or {}
        if not isinstance(dest, dict):
            raise ValueError("spec.destination is not a mapping")
        if spec.get("sources"):
            if not isinstance(spec["sources"], list):
                raise ValueError("spec.sources is not a list")
            sources = [source_from_dict(s) for s in spec["sources"]]
            multi = True
        elif spec.get("source"):
            sources = [source_from_dict(spec["source"])]
            multi = False
        elif isinstance(spec.get("sourceHydrator"), dict):
            # Hydrator apps render their drySource (application.go GetManifests).
            sources = [source_from_dict(spec["sourceHydrator"].get("drySource") or {})]
            multi = False
        else:
            raise ValueError("spec.source or spec.sources is required")
        sync = spec.get("syncPolicy") or {}
        status = obj.get("status") or {}
        sync_status = status.get("sync") or {} if isinstance(status, dict) else {}
        health = status.get("health") or {} if isinstance(status, dict) else {}
        revisions = list(_strings(sync_status.get("revisions")))
        if not revisions and sync_status.get("revision"):
            revisions = [str(sync_status["revision"])]
        return Application(
            name=name,
            namespace=str(meta.get("namespace") or "argocd") if isinstance(meta, dict) else "",
            project=str(spec.get("project") or "default"),
            destination_server=str(dest.get("server") or ""),
            destination_name=str(dest.get("name") or ""),
            destination_namespace=str(dest.get("namespace") or ""),
            sources=sources,
            multi_source=multi,
            ignore_differences=[
                ignore_rule_from_dict(r) for r in spec.get("ignoreDifferences") or []
            ],
            sync_options=list(
                _strings(sync.get("syncOptions") if isinstance(sync, dict) else None)
            ),
            annotations=_str_map(meta.get("annotations") if isinstance(meta, dict) else None),
            labels=_str_map(meta.get("labels") if isinstance(meta, dict) else None),
            sync_status=str(sync_status.get("status") or ""),
            health_status=str(health.get("status") or ""),
            sync_revisions=revisions,
            file=file,
        )
    except (ValueError, TypeError, AttributeError) as exc:
        raise ManifestError(str(exc), app=name, file=file) from None
