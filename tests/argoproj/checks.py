"""Policy checks over the argoproj/ tree: each returns the problems it finds, in words.

Plain functions over parsed objects, so test_checks.py can prove each one catches a bad input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from argodiff.model import Manifest

WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet"})

DEPRECATED_KUSTOMIZE_FIELDS = {
    "bases": "resources",
    "commonLabels": "labels",
    "patchesStrategicMerge": "patches",
    "patchesJson6902": "patches",
    "vars": "replacements",
    "imageTags": "images",
}
"""Kustomize fields deprecated in v5 (`kustomize edit fix` rewrites them), with their successors."""

EXACT_VERSION = re.compile(r"^v?\d+\.\d+\.\d+$")
"""A single released version (`1.9.1`, `v3.30.3`); no ranges, wildcards, branches or HEAD."""

_REMOTE = re.compile(r"^(https?://|git@|ssh://|github\.com/)")


def name_of(obj: Manifest) -> str:
    meta = obj.get("metadata") or {}
    return f"{obj.get('kind')}/{meta.get('name')}"


def plaintext_secrets(objects: Iterable[Any]) -> list[str]:
    """Secrets that carry values: every secret must come from an ExternalSecret (or, for a
    service-account token, from Kubernetes itself)."""
    problems = []
    for obj in objects:
        if not isinstance(obj, dict) or obj.get("kind") != "Secret":
            continue
        for field in ("data", "stringData"):
            values = obj.get(field) or {}
            if any(v not in (None, "") for v in values.values()):
                problems.append(f"{name_of(obj)} has values in {field}")
    return problems


def _containers(obj: Manifest) -> Iterator[Manifest]:
    pod = ((obj.get("spec") or {}).get("template") or {}).get("spec") or {}
    yield from pod.get("containers") or []


def workload_problems(objects: Iterable[Manifest]) -> list[str]:
    """Containers of workloads without CPU and memory requests and limits, or without probes."""
    problems = []
    for obj in objects:
        if obj.get("kind") not in WORKLOAD_KINDS:
            continue
        for container in _containers(obj):
            where = f"{name_of(obj)} container {container.get('name')}"
            resources = container.get("resources") or {}
            for bound in ("requests", "limits"):
                missing = {"cpu", "memory"} - set(resources.get(bound) or {})
                if missing:
                    problems.append(f"{where}: no {bound} for {', '.join(sorted(missing))}")
            problems.extend(
                f"{where}: no {probe}"
                for probe in ("livenessProbe", "readinessProbe")
                if not container.get(probe)
            )
    return problems


def kustomization_problems(kustomization: Manifest) -> list[str]:
    """Deprecated fields, and remote resources (every path in the tree must build offline)."""
    problems = [
        f"deprecated field {field!r}: use {successor!r}"
        for field, successor in DEPRECATED_KUSTOMIZE_FIELDS.items()
        if field in kustomization
    ]
    for field in ("resources", "components"):
        problems += [
            f"remote {field} entry {entry!r} does not build offline"
            for entry in kustomization.get(field) or []
            if _REMOTE.match(str(entry))
        ]
    return problems


def policy_lines(rbac_cm: Manifest) -> list[str]:
    """Every policy line Argo CD reads from argocd-rbac-cm: `policy.csv` and the
    `policy.<name>.csv` keys it appends to it (util/rbac: policy.*.csv), without comments."""
    data = rbac_cm.get("data") or {}
    keys = [k for k in data if k == "policy.csv" or re.fullmatch(r"policy\..+\.csv", k)]
    lines = (line.strip() for key in keys for line in str(data[key]).splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def policy_subject(line: str) -> str:
    """The subject of a `p, subject, ...` or `g, subject, role` line."""
    fields = [f.strip() for f in line.split(",")]
    return fields[1] if len(fields) > 1 else ""
