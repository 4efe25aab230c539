"""Read an Argo CD Application object (from the API or a file) into the Application model."""

from __future__ import annotations

from typing import Any

from argodiff.errors import ManifestError
from argodiff.model import Application, IgnoreRule, Manifest, Source

APPLICATION_API_GROUP = "argoproj.io"
MANIFEST_GENERATE_PATHS = "argocd.argoproj.io/manifest-generate-paths"


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


def _opt_map(value: Any) -> dict[str, Any] | None:
    return dict(value) if isinstance(value, dict) else None


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(str(v) for v in value if v is not None)


def source_from_dict(d: Any) -> Source:
    if not isinstance(d, dict):
        raise ValueError("a source must be a mapping")
    return Source(
        repo_url=str(d.get("repoURL") or ""),
        path=str(d.get("path") or ""),
        chart=str(d.get("chart") or ""),
        target_revision=str(d.get("targetRevision") or ""),
        ref=str(d.get("ref") or ""),
        name=str(d.get("name") or ""),
        helm=_opt_map(d.get("helm")),
        kustomize=_opt_map(d.get("kustomize")),
        directory=_opt_map(d.get("directory")),
        plugin=_opt_map(d.get("plugin")),
    )


def ignore_rule_from_dict(d: Any) -> IgnoreRule:
    if not isinstance(d, dict):
        raise ValueError("an ignoreDifferences entry must be a mapping")
    return IgnoreRule(
        group=str(d.get("group") or ""),
        kind=str(d.get("kind") or ""),
        name=str(d.get("name") or ""),
        namespace=str(d.get("namespace") or ""),
        json_pointers=_strings(d.get("jsonPointers")),
        jq_path_expressions=_strings(d.get("jqPathExpressions")),
        managed_fields_managers=_strings(d.get("managedFieldsManagers")),
    )


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
