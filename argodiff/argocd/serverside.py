"""Argo CD's server-side diff: ApplicationService/ServerSideDiff in size-bounded batches.

As `argocd app diff --server-side-diff` (cmd/argocd/commands/app_diff.go): the app's live
resources and the target manifests go aligned (`liveResources[i]` with `targetManifests[i]`;
an empty live state for a resource Git adds, an empty manifest for one it drops), in batches
of at most 250 KB of live + target JSON, several batches at once. Argo CD answers each item
with the predicted live object (`targetState`), the normalized live object (`liveState`) and
whether it is modified.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from argodiff.argocd.errors import UnexpectedAnswer
from argodiff.argocd.protobuf import (
    DecodeError,
    ResourceDiff,
    ServerSideDiffQuery,
    ServerSideDiffResponse,
)
from argodiff.model import Manifest, ResourceKey

METHOD = "/application.ApplicationService/ServerSideDiff"
MAX_BATCH_BYTES = 250 * 1024
"""The argocd CLI's `--server-side-diff-max-batch-kb` default."""
CONCURRENCY = 4
"""Batches of one app in flight at once."""


@dataclass(frozen=True)
class Aligned:
    """One resource as sent: its live object and its target (either may be missing)."""

    key: ResourceKey
    live: Manifest | None
    target: Manifest | None


@dataclass(frozen=True)
class Predicted:
    """Argo CD's answer for one resource."""

    key: ResourceKey
    live: Manifest | None
    """The normalized live object; None when the resource is not in the cluster."""
    predicted: Manifest | None
    """The live object after the dry-run apply; None when Git drops the resource."""
    modified: bool


def _json(obj: Manifest | None) -> str:
    return "" if obj is None else json.dumps(obj, separators=(",", ":"))


def batches(sizes: Sequence[int], limit: int = MAX_BATCH_BYTES) -> list[range]:
    """Consecutive ranges whose sizes add up to at most `limit`; a resource larger than the
    limit goes alone (app_diff.go batching)."""
    out: list[range] = []
    start = total = 0
    for index, size in enumerate(sizes):
        if index > start and total + size > limit:
            out.append(range(start, index))
            start, total = index, 0
        total += size
    if start < len(sizes):
        out.append(range(start, len(sizes)))
    return out


def _state(text: str, what: str, key: ResourceKey) -> Manifest | None:
    if text in ("", "null"):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise UnexpectedAnswer(METHOD, f"the {what} of {key} is not a JSON object")
    return value


def server_side_diff(
    send: Callable[[bytes], bytes],
    query: ServerSideDiffQuery,
    items: Sequence[Aligned],
    *,
    limit: int = MAX_BATCH_BYTES,
    concurrency: int = CONCURRENCY,
) -> list[Predicted]:
    """Argo CD's answer for every item, in their order. `query` names the app (its
    resources are filled in per batch); `send` makes one call and returns the message."""
    lives = [_json(item.live) for item in items]
    targets = [_json(item.target) for item in items]
    ranges = batches([len(a) + len(b) for a, b in zip(lives, targets, strict=True)], limit)

    def one(batch: range) -> list[Predicted]:
        request = ServerSideDiffQuery(
            app_name=query.app_name,
            app_namespace=query.app_namespace,
            project=query.project,
            live_resources=[
                ResourceDiff(
                    group=items[i].key.group,
                    kind=items[i].key.kind,
                    namespace=items[i].key.namespace,
                    name=items[i].key.name,
                    live_state=lives[i],
                    modified=items[i].target is None or items[i].live is None,
                )
                for i in batch
            ],
            target_manifests=[targets[i] for i in batch],
        )
        try:
            answer = ServerSideDiffResponse.decode(send(request.encode()))
        except DecodeError as exc:
            raise UnexpectedAnswer(METHOD, f"not a ServerSideDiff response: {exc}") from None
        if len(answer.items) != len(batch):
            raise UnexpectedAnswer(
                METHOD, f"{len(answer.items)} items answered for {len(batch)} sent"
            )
        return [
            Predicted(
                key=items[i].key,
                live=_state(got.live_state, "live state", items[i].key),
                predicted=_state(got.target_state, "predicted state", items[i].key),
                modified=got.modified,
            )
            for i, got in zip(batch, answer.items, strict=True)
        ]

    if len(ranges) <= 1 or concurrency <= 1:
        results = [one(batch) for batch in ranges]
    else:
        with ThreadPoolExecutor(max_workers=min(concurrency, len(ranges))) as pool:
            results = list(pool.map(one, ranges))
    return [p for chunk in results for p in chunk]
