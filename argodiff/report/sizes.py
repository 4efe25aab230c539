"""How much a resource diff changes, and how a resource is named in a report."""

from __future__ import annotations

import functools

from argodiff.model import ResourceKey

_HEADERS = ("=====", "--- ", "+++ ")


def hunks(diff: str) -> str:
    """The diff without its leading header lines (Argo CD's `=====`, `--- live`, `+++ …`)."""
    start = 0
    for _ in range(3):
        if not diff.startswith(_HEADERS, start):
            break
        end = diff.find("\n", start)
        start = len(diff) if end < 0 else end + 1
    return diff[start:]


@functools.lru_cache(maxsize=4096)
def line_counts(diff: str) -> tuple[int, int]:
    """Lines added and removed by a unified diff (counted in C: megabytes take milliseconds;
    a report asks several times per resource, so answers are kept)."""
    body = "\n" + hunks(diff)
    return body.count("\n+"), body.count("\n-")


def title_of(key: ResourceKey) -> str:
    """`ConfigMap monitoring/grafana`, `ClusterRole viewer`, `apps/Deployment web/web`: the
    group only where it is not the core group, the namespace only where there is one."""
    kind = f"{key.group}/{key.kind}" if key.group else key.kind
    return f"{kind} {key.namespace}/{key.name}" if key.namespace else f"{kind} {key.name}"
