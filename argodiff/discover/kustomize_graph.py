"""The files a local source reads: what its kustomization names, followed through every base
and component, and a Helm chart's `file://` dependencies.

Used to tell which Applications a changed file affects. Paths are repository-relative POSIX
strings; nothing is rendered, only kustomization and Chart.yaml files are read.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argodiff.errors import ManifestError
from argodiff.yamlio import iter_documents

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
"""The file names kustomize looks for, in its order (api/konfig/builtinpluginconsts)."""

INERT_KEYS = frozenset(
    {"apiVersion", "kind", "metadata", "resources", "sortOptions", "labels", "commonLabels"}
)
"""A kustomization with only these keys lists files and at most labels them: an Application it
lists deploys the same resources (Argo CD does not pass an Application's labels on)."""

MODELLED_KEYS = INERT_KEYS | {
    "bases", "components", "crds", "configurations", "patches", "patchesStrategicMerge",
    "patchesJson6902", "replacements", "configMapGenerator", "secretGenerator",
    "generatorOptions", "helmCharts", "helmGlobals", "openapi", "images", "commonAnnotations",
    "namePrefix", "nameSuffix", "namespace", "replicas", "vars", "buildMetadata",
}  # fmt: skip
"""Every kustomization field whose file references the graph follows (or that names no file).
Anything else (an unknown field, `generators`/`transformers`/`validators`: plugins, which may
read files the graph cannot see) makes the graph incomplete."""
_PLUGIN_LISTS = ("generators", "transformers", "validators")
REMOTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://|^git@|^(github|gitlab|bitbucket)\.(com|org)/")
_PLAIN_LISTS = ("resources", "bases", "components", "crds", "configurations")
# These hold either a file path or an inline YAML document; inline ones span several lines.
_PATH_OR_INLINE_LISTS = ("transformers", "generators", "validators", "patchesStrategicMerge")
_PATH_ITEM_LISTS = ("patches", "patchesJson6902", "replacements")
_GENERATORS = ("configMapGenerator", "secretGenerator")
_DEFAULT_CHART_HOME = "charts"


@dataclass(frozen=True)
class Reference:
    """One path a kustomization names."""

    path: str
    """Repository-relative and normalized; `.` is the repository root."""
    field: str
    """Where it is named, e.g. `resources` or `configMapGenerator files`."""
    via: str
    """The kustomization file that names it."""

    def describe(self) -> str:
        return f"kustomize {self.field} in {self.via}"


@dataclass
class Reach:
    """Everything one kustomization reads, transitively."""

    files: dict[str, Reference] = field(default_factory=dict)
    """Exact paths (kustomization files included), each with the first reference to it."""
    dirs: dict[str, Reference] = field(default_factory=dict)
    """Directories read as a whole (no kustomization in them) or names that no longer exist."""
    incomplete: dict[str, str] = field(default_factory=dict)
    """Directories whose kustomization may read files not listed here, and why."""


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str) and v] if isinstance(value, list) else []


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def raw_references(doc: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(field, path as written) for every local-file field of a kustomization (kustomize v5)."""
    for name in _PLAIN_LISTS:
        for path in _strings(doc.get(name)):
            yield name, path
    for name in _PATH_OR_INLINE_LISTS:
        for path in _strings(doc.get(name)):
            if "\n" not in path:
                yield name, path
    for name in _PATH_ITEM_LISTS:
        for item in _dicts(doc.get(name)):
            if isinstance(item.get("path"), str):
                yield name, item["path"]
    for name in _GENERATORS:
        for gen in _dicts(doc.get(name)):
            for entry in _strings(gen.get("files")):
                # `key=path` names the data key; the file is what follows the first `=`.
                yield f"{name} files", entry.split("=", 1)[-1]
            for env in _strings(gen.get("envs")):
                yield f"{name} envs", env
            if isinstance(gen.get("env"), str):
                yield f"{name} env", gen["env"]
    globals_ = doc.get("helmGlobals")
    chart_home = _DEFAULT_CHART_HOME
    if isinstance(globals_, dict) and isinstance(globals_.get("chartHome"), str):
        chart_home = globals_["chartHome"]
    for chart in _dicts(doc.get("helmCharts")):
        if isinstance(chart.get("valuesFile"), str):
            yield "helmCharts valuesFile", chart["valuesFile"]
        for extra in _strings(chart.get("additionalValuesFiles")):
            yield "helmCharts additionalValuesFiles", extra
        if isinstance(chart.get("name"), str):
            # A chart already present under chartHome is used as is (kustomize helm plugin).
            yield "helmCharts chart", posixpath.join(chart_home, chart["name"])
    openapi = doc.get("openapi")
    if isinstance(openapi, dict) and isinstance(openapi.get("path"), str):
        yield "openapi", openapi["path"]


def read_mapping(root: Path, rel: str) -> dict[str, Any]:
    """The first YAML document of a file, or {} when it is unreadable or not a mapping.

    Broken files are not reported here: rendering the app reports them with their error.
    """
    return _read_mapping(root, rel) or {}


def _read_mapping(root: Path, rel: str) -> dict[str, Any] | None:
    try:
        docs = list(iter_documents((root / rel).read_bytes(), rel))
    except (ManifestError, OSError):
        return None
    if not docs or docs[0] is None:
        return {}
    return docs[0] if isinstance(docs[0], dict) else None


def unmodelled(doc: dict[str, Any] | None) -> str:
    """Why the graph cannot know every file a kustomization reads ("" when it can)."""
    if doc is None:
        return "it could not be read"
    plugins = [k for k in _PLUGIN_LISTS if doc.get(k)]
    if plugins:
        return f"it configures plugins ({', '.join(plugins)})"
    unknown = sorted(str(k) for k in doc if k not in MODELLED_KEYS and k not in _PLUGIN_LISTS)
    if unknown:
        return f"field {unknown[0]} is not modelled"
    return ""


def chart_dependencies(root: Path, chart: str) -> list[str]:
    """Directories of a chart's local (`file://`) dependencies in Chart.yaml, recursively."""
    out: list[str] = []
    stack = [chart]
    while stack:
        directory = stack.pop()
        meta = read_mapping(root, posixpath.join(directory, "Chart.yaml"))
        for dep in _dicts(meta.get("dependencies")):
            repo = dep.get("repository")
            if not isinstance(repo, str) or not repo.startswith("file://"):
                continue
            target = resolve(directory, repo.removeprefix("file://"))
            if target is not None and target != chart and target not in out:
                out.append(target)
                stack.append(target)
    return out


def join_inside(directory: str, path: str) -> str | None:
    """`path` relative to `directory`, normalized; None when it leaves the repository."""
    joined = posixpath.normpath(posixpath.join(directory, path.strip()))
    return None if joined == ".." or joined.startswith(("../", "/")) else joined


def resolve(directory: str, path: str) -> str | None:
    """A path a kustomization names, repository-relative; None for a remote or outside one."""
    if not path.strip() or REMOTE.search(path.strip()):
        return None
    return join_inside(directory, path)


class KustomizeGraph:
    """The kustomizations of one checkout, each read at most once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._docs: dict[str, tuple[str, dict[str, Any]] | None] = {}
        self._unread: dict[str, str] = {}

    def kustomization(self, directory: str) -> tuple[str, dict[str, Any]] | None:
        """(file, parsed content) of the kustomization in `directory`, if it has one."""
        if directory not in self._docs:
            self._docs[directory] = self._read(directory)
        return self._docs[directory]

    def _read(self, directory: str) -> tuple[str, dict[str, Any]] | None:
        for name in KUSTOMIZATION_NAMES:
            rel = posixpath.normpath(posixpath.join(directory, name))
            if (self.root / rel).is_file():
                doc = _read_mapping(self.root, rel)
                if why := unmodelled(doc):
                    self._unread[directory] = f"{rel}: {why}"
                return rel, doc or {}
        return None

    def references(self, directory: str) -> list[Reference]:
        found = self.kustomization(directory)
        if found is None:
            return []
        file, doc = found
        refs = []
        for name, raw in raw_references(doc):
            path = resolve(directory, raw)
            if path is not None:
                refs.append(Reference(path=path, field=name, via=file))
        return refs

    def only_lists(self, directory: str) -> bool:
        """Whether the kustomization (if any) only lists and labels resources (INERT_KEYS)."""
        found = self.kustomization(directory)
        return found is None or set(found[1]) <= INERT_KEYS

    def reach(self, *directories: str) -> Reach:
        """What building the kustomizations in `directories` reads; cycles are walked once."""
        out = Reach()
        seen: set[str] = set()
        stack = list(directories)
        while stack:
            directory = stack.pop()
            if directory in seen:
                continue
            seen.add(directory)
            found = self.kustomization(directory)
            if found is None:
                continue
            out.files.setdefault(found[0], Reference(found[0], "kustomization", found[0]))
            if directory in self._unread:
                out.incomplete[directory] = self._unread[directory]
            for ref in self.references(directory):
                target = self.root / ref.path
                if target.is_dir():
                    if self.kustomization(ref.path) is not None:
                        stack.append(ref.path)
                    else:
                        out.dirs.setdefault(ref.path, ref)
                elif target.is_file():
                    out.files.setdefault(ref.path, ref)
                else:
                    # Gone from this checkout (deleted by the change?): match it either way.
                    out.files.setdefault(ref.path, ref)
                    out.dirs.setdefault(ref.path, ref)
        return out
