"""An ApplicationSet expanded into the Applications its controller would generate
(applicationset/controllers/template/template.go GenerateApplications)."""

from __future__ import annotations

import functools
import hashlib
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argodiff.application import APPLICATION_API_GROUP, application_from_manifest
from argodiff.appsets import gotemplate
from argodiff.appsets.clusters import ClusterSource
from argodiff.appsets.generators import (
    GeneratorContext,
    NotGenerated,
    Reads,
    generate,
    kind_of,
)
from argodiff.appsets.params import Params, fasttemplate, render_strings, strings_of
from argodiff.engine.merge import apply_merge_patch
from argodiff.errors import ArgodiffError, ManifestError
from argodiff.model import Application, GeneratedBy
from argodiff.yamlio import iter_documents

KIND = "ApplicationSet"
DEFAULT_MAX_APPS = 1000
MAX_PARAMS_BYTES = 4 * 1024 * 1024
"""All parameter sets of one ApplicationSet, as JSON: a larger set is that ApplicationSet's
error (a git files generator over a huge tree, a list bomb)."""
DEFAULT_TIME_LIMIT = 300.0


def is_application_set(obj: Any) -> bool:
    return (
        isinstance(obj, dict)
        and obj.get("kind") == KIND
        and str(obj.get("apiVersion", "")).startswith(APPLICATION_API_GROUP + "/")
    )


@dataclass(frozen=True)
class AppSetOptions:
    """How ApplicationSets are expanded: from which checkout, with which clusters, within
    which bounds."""

    is_this_repo: Callable[[str], bool] = lambda url: True
    clusters: ClusterSource = field(default_factory=ClusterSource)
    max_apps: int = DEFAULT_MAX_APPS
    time_limit: float = DEFAULT_TIME_LIMIT


@dataclass
class Expansion:
    """What one ApplicationSet gives: its apps, or why it gives none."""

    name: str
    file: str
    namespace: str = "argocd"
    digest: str = ""
    """Fingerprint of the spec: tells whether the ApplicationSet's definition changed."""
    apps: list[Application] = field(default_factory=list)
    error: str = ""
    """Set when the ApplicationSet is invalid or breaks a bound: none of its apps is known."""
    not_generated: str = ""
    """Set when a generator needs an outside system (pullRequest, scmProvider, …)."""
    notes: list[str] = field(default_factory=list)
    reads: tuple[str, ...] = ()
    manifests: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Each generated Application as the controller would create it, by name."""

    @property
    def ok(self) -> bool:
        return not self.error and not self.not_generated


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise ManifestError(
                f"template rendering took longer than the render limit ({self.seconds:g} s)"
            )
        return left


def _fast(text: str, params: Params) -> str:
    return fasttemplate(text, params)


class _FastTemplater:
    go = False

    def render(self, items: list[tuple[Any, Params]]) -> list[Any]:
        return [render_strings(obj, functools.partial(_fast, params=p)) for obj, p in items]


class _GoTemplater:
    go = True

    def __init__(self, options: list[str], work_dir: Path, deadline: _Deadline) -> None:
        self.options = options
        self.work_dir = work_dir
        self.deadline = deadline

    def render(self, items: list[tuple[Any, Params]]) -> list[Any]:
        jobs = [(strings_of(obj), p) for obj, p in items]
        rendered = gotemplate.render(
            jobs, options=self.options, work_dir=self.work_dir, timeout=self.deadline.left()
        )
        out = []
        for (obj, _), strings in zip(items, rendered, strict=True):
            values = iter(strings)
            out.append(render_strings(obj, functools.partial(_next, values)))
        return out


def _next(values: Iterator[str], _text: str) -> str:
    return next(values)


def _merge_missing(over: Any, base: Any) -> Any:
    """mergo.Merge without override: `over`'s set fields kept, empty ones filled from `base`
    (a generator's own template over the ApplicationSet's)."""
    if isinstance(over, dict) and isinstance(base, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = _merge_missing(value, base.get(key)) if key in base else value
        return out
    return base if over in (None, "", [], {}) else over


def _digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()


def _template_of(generator: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    own = generator[kind_of(generator)]
    override = own.get("template") if isinstance(own, dict) else None
    return _merge_missing(override, base) if isinstance(override, dict) else base


def expand(doc: dict[str, Any], file: str, repo_root: Path, options: AppSetOptions) -> Expansion:
    """The Applications `doc` generates, read from the checkout at `repo_root`. An error or a
    not-generated reason is recorded on the Expansion, never raised."""
    raw_meta = doc.get("metadata")
    meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
    result = Expansion(
        name=str(meta.get("name") or ""),
        file=file,
        namespace=str(meta.get("namespace") or "argocd"),
    )
    if not result.name:
        result.error = "ApplicationSet without metadata.name"
        return result
    with tempfile.TemporaryDirectory(prefix="argodiff-appset-") as tmp:
        try:
            _expand(doc, result, repo_root, options, Path(tmp))
        except NotGenerated as exc:
            result.not_generated = str(exc)
            result.apps, result.manifests = [], {}
        except ArgodiffError as exc:
            # A template error, a bound exceeded, a tool failing or the run's time running
            # out: that ApplicationSet's error, never the run's.
            message = exc.args[0] if exc.args else str(exc)
            if isinstance(exc, ManifestError) and exc.file and exc.file != file:
                message = f"{exc.file}: {message}"
            result.error = message
            result.apps, result.manifests = [], {}
        except (ValueError, TypeError, AttributeError, KeyError, OSError) as exc:
            result.error = f"invalid ApplicationSet ({type(exc).__name__}: {exc})"
            result.apps, result.manifests = [], {}
    return result


def _expand(
    doc: dict[str, Any], result: Expansion, root: Path, options: AppSetOptions, tmp: Path
) -> None:
    spec = doc.get("spec")
    if not isinstance(spec, dict):
        raise ManifestError("spec is missing or not a mapping")
    generators = spec.get("generators")
    if not isinstance(generators, list) or not generators:
        raise ManifestError("spec.generators is missing or empty")
    template = spec.get("template") or {}
    if not isinstance(template, dict):
        raise ManifestError("spec.template must be a mapping")
    deadline = _Deadline(options.time_limit)
    go = bool(spec.get("goTemplate"))
    go_options = [str(o) for o in spec.get("goTemplateOptions") or []]
    templater = _GoTemplater(go_options, tmp, deadline) if go else _FastTemplater()
    reads = Reads()
    ctx = GeneratorContext(root, options.is_this_repo, options.clusters, templater, reads)
    patch = spec.get("templatePatch")
    by_name: dict[str, Application] = {}
    result.digest = _digest(spec)
    generated_by = GeneratedBy(result.name, result.digest, ())
    size = 0
    jobs: list[tuple[Any, Params]] = []
    for generator in generators:
        params = generate(generator, ctx)
        size += len(json.dumps(params, default=str))
        if size > MAX_PARAMS_BYTES:
            raise ManifestError(
                f"its parameters exceed {MAX_PARAMS_BYTES // (1024 * 1024)} MiB; not generated"
            )
        if len(jobs) + len(params) > options.max_apps:
            raise ManifestError(
                f"it generates more than {options.max_apps} Applications "
                "(raise the cap with --max-generated-apps)"
            )
        tmpl = _template_of(generator, template)
        jobs += [(tmpl, p) for p in params]
    patched = isinstance(patch, str) and bool(patch.strip())
    # Every parameter set of every generator, template and patch, in one render (one helm
    # run for goTemplate).
    rendered = templater.render(jobs + ([(patch, p) for _, p in jobs] if patched else []))
    apps, patches = rendered[: len(jobs)], rendered[len(jobs) :]
    if patched:
        # A strategic merge patch on the Application; the fields argodiff reads have no
        # list merge keys, so it applies as a JSON merge patch does.
        apps = [
            apply_merge_patch(app, _patch_doc(text))
            for app, text in zip(apps, patches, strict=True)
        ]
    deadline.left()
    for obj in apps:
        manifest = _manifest(obj, result.namespace)
        app = _application(manifest, result, generated_by)
        if app.name in by_name:
            raise ManifestError(f"it generates two Applications named {app.name}")
        by_name[app.name] = app
        result.manifests[app.name] = manifest
    result.reads = tuple(sorted(reads.files))
    result.notes = list(dict.fromkeys(ctx.notes))
    final = GeneratedBy(result.name, generated_by.digest, result.reads)
    for app in by_name.values():
        app.generated_by = final
    result.apps = sorted(by_name.values(), key=lambda a: a.name)


def _patch_doc(text: str) -> Any:
    docs = [d for d in iter_documents(text, "templatePatch") if d is not None]
    if len(docs) != 1 or not isinstance(docs[0], dict):
        raise ManifestError("templatePatch does not render to one YAML mapping")
    return docs[0]


def _manifest(obj: Any, namespace: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise ManifestError("the template is not a mapping")
    meta = dict(obj.get("metadata") or {})
    # The controller puts every generated app in the ApplicationSet's namespace (the
    # apps-in-any-namespace boundary), whatever the template says.
    meta["namespace"] = namespace
    return {
        "apiVersion": f"{APPLICATION_API_GROUP}/v1alpha1",
        "kind": "Application",
        "metadata": meta,
        "spec": obj.get("spec"),
    }


def _application(
    manifest: dict[str, Any], result: Expansion, generated_by: GeneratedBy
) -> Application:
    try:
        app = application_from_manifest(manifest, file=result.file)
    except ManifestError as exc:
        name = exc.app or "(no name)"
        raise ManifestError(f"generated Application {name}: {exc.args[0]}") from None
    app.generated_by = generated_by
    return app
