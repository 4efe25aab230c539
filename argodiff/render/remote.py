"""One-line causes for remote failures: a kustomize remote base, a Helm repository or an OCI
registry that cannot be reached. kubectl wraps kustomize's error in klog lines
(`E1206 05:03:56.254423 29166 run.go:72] "command failed" err=<` … ` >`) and git's own
stderr; a reader wants the URL and the cause."""

from __future__ import annotations

import re
from pathlib import Path

from argodiff.errors import ManifestError
from argodiff.render.paths import relative
from argodiff.yamlio import iter_documents

_KUSTOMIZATIONS = ("kustomization.yaml", "kustomization.yml", "Kustomization")

# klog's header, then either `err="…"` on one line or `err=<` … `>` over several.
_KLOG = re.compile(
    r'^[EWIF]\d{4} [\d:.]+\s+\d+ \S+\] "command failed" '
    r'err=(?:"(?P<quoted>.*)"|<\n(?P<block>.*)\n\s*>)\s*$',
    re.S,
)
_REMOTE_RESOURCE = re.compile(
    r"accumulating resources from '(?P<url>(?:[A-Za-z][A-Za-z0-9+.-]*://|git@|"
    r"(?:github|gitlab|bitbucket)\.(?:com|org)/)[^']+)'"
)
"""kustomize names a resource it could not load; only URLs are remote bases."""
_CAUSES: tuple[tuple[str, str], ...] = (
    (r"Could not resolve host: (?P<x>[\w.-]+)", "could not resolve host {x}"),
    (r"lookup (?P<x>[\w.-]+)(?: on [^:]+:\d+)?: no such host", "could not resolve host {x}"),
    (r"Failed to connect to (?P<x>[\w.-]+)[^:]*: Connection refused", "connection to {x} refused"),
    (r"(?i)Connection timed out|i/o timeout|timed out", "the connection timed out"),
    (
        r"could not read Username|Authentication failed|terminal prompts disabled",
        "the repository needs credentials, which argodiff does not have",
    ),
    (r"(?i)repository '?[^ ]*'? not found", "repository not found"),
    (r"couldn't find remote ref (?P<x>\S+)|Remote branch (?P<y>\S+) not found", "no ref {x}{y}"),
)
"""(regex, words): the first that matches tool output names the cause."""


def strip_klog(text: str) -> str:
    """kubectl's error without the klog wrapper (the message kustomize itself gave)."""
    m = _KLOG.match(text.strip())
    if not m:
        return text
    if m["quoted"] is not None:
        return m["quoted"].replace('\\"', '"')
    return "\n".join(line.strip() for line in m["block"].splitlines())


def cause(text: str) -> str:
    """The network cause in a tool's output, in a few words ("" when none is recognised)."""
    for pattern, words in _CAUSES:
        m = re.search(pattern, text)
        if m:
            groups = {k: v or "" for k, v in m.groupdict().items()}
            return words.format(**{"x": "", "y": "", **groups})
    return ""


def _naming_file(url: str, app_path: Path, repo_root: Path) -> str:
    """The kustomization under the source path that lists `url` (else the source path)."""
    for kustomization in sorted(app_path.rglob("*")):
        if kustomization.name not in _KUSTOMIZATIONS or not kustomization.is_file():
            continue
        try:
            docs = list(iter_documents(kustomization.read_bytes(), kustomization.name))
        except (ManifestError, OSError):
            continue
        doc = docs[0] if docs and isinstance(docs[0], dict) else {}
        if url in str(doc.get("resources") or "") + str(doc.get("components") or ""):
            return relative(kustomization, repo_root)
    return relative(app_path, repo_root)


def remote_base_failure(text: str, app_path: Path, repo_root: Path) -> tuple[str, str] | None:
    """(file, one-line message) when kustomize failed to fetch a remote base, else None."""
    m = _REMOTE_RESOURCE.search(text)
    if not m:
        return None
    why = cause(text) or "it could not be fetched"
    url = m["url"]
    return _naming_file(url, app_path, repo_root), f"kustomize remote base {url}: {why}"
