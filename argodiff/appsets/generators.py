"""ApplicationSet generators, evaluated from the checkout as the controller evaluates them
(argo-cd applicationset/generators: list.go, git.go, cluster.go, matrix.go, merge.go,
generator_spec_processor.go Transform). Each returns parameter sets; generators that need
an outside system raise NotGenerated."""

from __future__ import annotations

import copy
import json
import os
import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from argodiff.appsets.clusters import ClusterSource
from argodiff.appsets.params import (
    Params,
    flat_labels,
    go_string,
    sanitize_name,
    selector_is_empty,
    selector_matches,
)
from argodiff.discover.affected import go_match
from argodiff.errors import ManifestError
from argodiff.globs import glob_match
from argodiff.yamlio import iter_documents

MAX_GIT_FILE_BYTES = 1024 * 1024
"""A git files generator reads small parameter files; a larger one is refused."""
MAX_DIRECTORIES = 100_000

EXTERNAL = {
    "pullRequest": "lists pull requests from an SCM provider's API",
    "scmProvider": "lists repositories from an SCM provider's API",
    "clusterDecisionResource": "reads a decision resource from the cluster",
    "plugin": "calls a generator plugin service",
}
COMBINING = ("matrix", "merge")


class NotGenerated(Exception):
    """The ApplicationSet needs a system argodiff does not reach: its apps are not generated."""


class Templater(Protocol):
    """Renders the string values of JSON structures, one parameter set each."""

    go: bool

    def render(self, items: list[tuple[Any, Params]]) -> list[Any]: ...


@dataclass
class Reads:
    """What the generators read from the checkout (for `affected`)."""

    files: set[str] = field(default_factory=set)


@dataclass
class GeneratorContext:
    repo_root: Path
    is_this_repo: Callable[[str], bool]
    clusters: ClusterSource
    templater: Templater
    reads: Reads = field(default_factory=Reads)
    notes: list[str] = field(default_factory=list)


def kind_of(generator: Any) -> str:
    """The one generator key of a generator entry (`list`, `git`, …)."""
    if not isinstance(generator, dict):
        raise ManifestError("a generator must be a mapping")
    kinds = [k for k in generator if k not in ("selector", "values")]
    if len(kinds) != 1:
        listed = ", ".join(kinds) or "none"
        raise ManifestError(f"a generator entry needs exactly one generator (found: {listed})")
    return str(kinds[0])


def generate(generator: Any, ctx: GeneratorContext, depth: int = 0) -> list[Params]:
    """Transform(): one generator's parameter sets, filtered by its `selector`."""
    kind = kind_of(generator)
    spec = generator[kind]
    if kind in EXTERNAL:
        raise NotGenerated(f"its {kind} generator {EXTERNAL[kind]}, which argodiff does not call")
    if not isinstance(spec, dict):
        raise ManifestError(f"the {kind} generator must be a mapping")
    if kind == "list":
        params = _list(spec, ctx)
    elif kind == "git":
        params = _git(spec, ctx)
    elif kind == "clusters":
        params = _clusters(spec, ctx)
    elif kind in COMBINING:
        if depth >= 2:
            raise ManifestError(
                f"{kind} nested more than two levels deep (Argo CD allows two levels)"
            )
        params = _matrix(spec, ctx, depth) if kind == "matrix" else _merge(spec, ctx, depth)
    else:
        raise ManifestError(f"unknown generator {kind!r}")
    selector = generator.get("selector")
    if selector_is_empty(selector):
        return params
    return [p for p in params if selector_matches(selector, flat_labels(p))]


# --- values ------------------------------------------------------------------------------


def _with_values(spec: dict[str, Any], params: list[Params], ctx: GeneratorContext) -> None:
    """appendTemplatedValues: each value rendered with its parameter set, then added as
    `values.KEY` (fasttemplate) or `.values.KEY` (goTemplate)."""
    values = spec.get("values") or {}
    if not values or not params:
        return
    if not isinstance(values, dict):
        raise ManifestError("generator values must be a mapping of strings")
    keys = [str(k) for k in values]
    texts = [go_string(values[k]) for k in values]
    rendered = ctx.templater.render([(texts, p) for p in params])
    for p, out in zip(params, rendered, strict=True):
        if ctx.templater.go:
            p.setdefault("values", {})
            p["values"] = {**p["values"], **dict(zip(keys, out, strict=True))}
        else:
            p.update({f"values.{k}": v for k, v in zip(keys, out, strict=True)})


# --- list ---------------------------------------------------------------------------------


def _list(spec: dict[str, Any], ctx: GeneratorContext) -> list[Params]:
    elements = spec.get("elements") or []
    if not isinstance(elements, list):
        raise ManifestError("list generator elements must be a list")
    out: list[Params] = []
    for element in elements:
        if not isinstance(element, dict):
            raise ManifestError("list generator elements must be mappings")
        if ctx.templater.go:
            out.append(copy.deepcopy(element))
            continue
        params: Params = {}
        for key, value in element.items():
            if key == "values" and isinstance(value, dict):
                params.update({f"values.{k}": go_string(v) for k, v in value.items()})
            elif isinstance(value, dict | list):
                raise ManifestError(
                    f"list element key {key!r} is not a string (nested values need goTemplate)"
                )
            else:
                params[str(key)] = go_string(value)
        out.append(params)
    text = spec.get("elementsYaml")
    if text:
        docs = [d for d in iter_documents(str(text), "elementsYaml") if d is not None]
        items = docs[0] if len(docs) == 1 else None
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ManifestError("list generator elementsYaml must be a YAML list of mappings")
        out += [copy.deepcopy(i) for i in items]
    return out


# --- git ------------------------------------------------------------------------------------


def _git(spec: dict[str, Any], ctx: GeneratorContext) -> list[Params]:
    url = str(spec.get("repoURL") or "")
    if not ctx.is_this_repo(url):
        raise NotGenerated(
            f"its git generator reads {url or '(no repoURL)'}, another repository "
            "(argodiff reads only the checked-out one)"
        )
    prefix = str(spec.get("pathParamPrefix") or "")
    if spec.get("directories"):
        params = [_path_params(d, None, prefix, ctx.templater.go) for d in _directories(spec, ctx)]
    elif spec.get("files"):
        params = _files(spec, prefix, ctx)
    else:
        raise ManifestError("the git generator needs directories or files")
    _with_values(spec, params, ctx)
    return params


def _items(spec: dict[str, Any], key: str) -> list[tuple[str, bool]]:
    items = spec.get(key)
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ManifestError(f"git generator {key} must be a list of {{path: …}} entries")
    return [(str(i.get("path") or ""), bool(i.get("exclude"))) for i in items]


def _walk(root: Path) -> Iterator[tuple[str, list[str]]]:
    """(directory, files) under the checkout, repository-relative; hidden entries and
    symlinks skipped (the repo-server lists a git tree: a symlink is not a directory there,
    and nothing outside the checkout may be read)."""
    for count, (dirpath, dirnames, filenames) in enumerate(os.walk(root)):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and not (here / d).is_symlink()
        )
        rel = here.relative_to(root).as_posix()
        if count >= MAX_DIRECTORIES:
            raise ManifestError(f"the repository has more than {MAX_DIRECTORIES:,} directories")
        files = sorted(f for f in filenames if not (here / f).is_symlink())
        yield ("" if rel == "." else rel), files


def _directories(spec: dict[str, Any], ctx: GeneratorContext) -> list[str]:
    """filterApps: every directory matching an include pattern (Go path.Match) and no
    exclude pattern, in the repo-server's (sorted) order."""
    patterns = _items(spec, "directories")
    out: list[str] = []
    for rel, _ in _walk(ctx.repo_root):
        if not rel:
            continue
        included = any(go_match(p, rel) for p, exclude in patterns if not exclude)
        if included and not any(go_match(p, rel) for p, exclude in patterns if exclude):
            out.append(rel)
    return out


def _files(spec: dict[str, Any], prefix: str, ctx: GeneratorContext) -> list[Params]:
    """Every file matching an include pattern and no exclude pattern (git ls-files glob:
    `*` crosses `/`), sorted; each holds one parameter object or a list of them."""
    patterns = _items(spec, "files")
    matched: list[str] = []
    for directory, files in _walk(ctx.repo_root):
        for name in files:
            rel = posixpath.join(directory, name) if directory else name
            if any(glob_match(p, rel) for p, ex in patterns if not ex) and not any(
                glob_match(p, rel) for p, ex in patterns if ex
            ):
                matched.append(rel)
    out: list[Params] = []
    for rel in sorted(matched):
        ctx.reads.files.add(rel)
        for obj in _parameter_objects(ctx.repo_root / rel, rel):
            params = _path_params(posixpath.dirname(rel), rel, prefix, ctx.templater.go)
            if ctx.templater.go:
                out.append({**copy.deepcopy(obj), **params})
            else:
                out.append({**flat_labels(obj), **params})
    return out


def _parameter_objects(path: Path, rel: str) -> list[dict[str, Any]]:
    if path.stat().st_size > MAX_GIT_FILE_BYTES:
        raise ManifestError("git generator file is larger than 1 MiB", file=rel)
    docs = [d for d in iter_documents(path.read_bytes(), rel) if d is not None]
    if not docs:
        return [{}]
    data = docs[0]
    if isinstance(data, dict):
        return [data]
    if isinstance(data, list) and all(isinstance(d, dict) for d in data):
        return list(data)
    raise ManifestError("git generator file is not a mapping or a list of mappings", file=rel)


def _path_params(directory: str, file: str | None, prefix: str, go: bool) -> Params:
    """`path`, `path.basename`, `path[n]`… (fasttemplate) or the `path` object (goTemplate),
    under `pathParamPrefix` when set."""
    base = posixpath.basename(directory) or "."
    directory = directory or "."
    if go:
        obj: Params = {
            "path": directory,
            "basename": base,
            "basenameNormalized": sanitize_name(base),
            "segments": directory.split("/"),
        }
        if file is not None:
            obj["filename"] = posixpath.basename(file)
            obj["filenameNormalized"] = sanitize_name(posixpath.basename(file))
        return {prefix: {"path": obj}} if prefix else {"path": obj}
    name = f"{prefix}.path" if prefix else "path"
    flat = {
        name: directory,
        f"{name}.basename": base,
        f"{name}.basenameNormalized": sanitize_name(base),
    }
    if file is not None:
        flat[f"{name}.filename"] = posixpath.basename(file)
        flat[f"{name}.filenameNormalized"] = sanitize_name(posixpath.basename(file))
    flat.update({f"{name}[{i}]": s for i, s in enumerate(directory.split("/")) if s})
    return flat


# --- clusters -------------------------------------------------------------------------------


def _clusters(spec: dict[str, Any], ctx: GeneratorContext) -> list[Params]:
    selector = spec.get("selector")
    out: list[Params] = []
    known = ctx.clusters.get()
    for cluster in known.clusters:
        if cluster.local:
            # The local cluster has no Secret, so no labels: any selector leaves it out.
            if not selector_is_empty(selector):
                continue
        elif not selector_matches(selector, cluster.labels):
            continue
        params: Params = {
            "name": cluster.name,
            "nameNormalized": sanitize_name(cluster.name),
            "server": cluster.server,
            "project": cluster.project,
        }
        if ctx.templater.go:
            params["metadata"] = {
                "labels": dict(cluster.labels),
                "annotations": dict(cluster.annotations),
            }
        else:
            params.update({f"metadata.labels.{k}": v for k, v in cluster.labels.items()})
            params.update({f"metadata.annotations.{k}": v for k, v in cluster.annotations.items()})
        out.append(params)
    if known.assumed:
        ctx.notes.append(
            f"its clusters generator used the in-cluster destination only: {known.why}"
        )
    _with_values(spec, out, ctx)
    return out


# --- matrix and merge -----------------------------------------------------------------------


def deep_merge(base: Params, over: Params) -> Params:
    """mergo.Merge(WithOverride): maps merged key by key, `over` winning."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _children(spec: dict[str, Any], kind: str) -> list[Any]:
    children = spec.get("generators")
    if not isinstance(children, list):
        raise ManifestError(f"the {kind} generator needs a generators list")
    return children


def _interpolated(child: Any, params: Params, ctx: GeneratorContext) -> Any:
    """The second matrix child with the first child's parameters rendered into it
    (InterpolateGenerator)."""
    return ctx.templater.render([(child, params)])[0]


def _matrix(spec: dict[str, Any], ctx: GeneratorContext, depth: int) -> list[Params]:
    children = _children(spec, "matrix")
    if len(children) != 2:
        raise ManifestError("the matrix generator needs exactly 2 child generators")
    out: list[Params] = []
    for a in generate(children[0], ctx, depth + 1):
        for b in generate(_interpolated(children[1], a, ctx), ctx, depth + 1):
            if ctx.templater.go:
                out.append(deep_merge(b, a))
                continue
            clash = [k for k in a.keys() & b.keys() if a[k] != b[k]]
            if clash:
                raise ManifestError(
                    f"matrix: found duplicate key {clash[0]} with different value, "
                    f"a: {a[clash[0]]} ,b: {b[clash[0]]}"
                )
            out.append({**a, **b})
    return out


def _merge(spec: dict[str, Any], ctx: GeneratorContext, depth: int) -> list[Params]:
    children = _children(spec, "merge")
    if len(children) < 2:
        raise ManifestError("the merge generator needs at least 2 child generators")
    keys = list(dict.fromkeys(str(k) for k in spec.get("mergeKeys") or []))
    if not keys:
        raise ManifestError("the merge generator needs mergeKeys")
    sets = [generate(child, ctx, depth + 1) for child in children]
    base = _by_merge_key(keys, sets[0])
    for other in sets[1:]:
        overrides = _by_merge_key(keys, other)
        for key, params in base.items():
            if key in overrides:
                base[key] = (
                    deep_merge(params, overrides[key])
                    if ctx.templater.go
                    else {**params, **overrides[key]}
                )
    return list(base.values())


def _by_merge_key(keys: list[str], params: list[Params]) -> dict[str, Params]:
    out: dict[str, Params] = {}
    for p in params:
        flat = flat_labels(p)
        key = json.dumps({k: flat.get(k) for k in keys}, sort_keys=True)
        if key in out:
            raise ManifestError(f"merge: the parameter sets are not unique by mergeKeys: {key}")
        out[key] = p
    return out
