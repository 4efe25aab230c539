"""ApplicationService/ServerSideDiff over gRPC-web, answered by a simulated dry-run apply.

As Argo CD v3.5 (server/application/application.go ServerSideDiff): RBAC `applications, get`
(PermissionDenied), a live resource that is not one of the app's (PermissionDenied), then for
each aligned live/target pair a server-side apply dry run by `argocd-controller` on the
cluster's object: argodiff's structured merge stands in for the API server's, followed by the
server's defaulting and, optionally, a mutating webhook's mark. Mutations by webhooks are
left out of the prediction unless the app's compare options say IncludeMutationWebhook=true.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote

from argodiff.argocd.grpcweb import CONTENT_TYPE, TRAILER, frame, unframe
from argodiff.argocd.protobuf import (
    DecodeError,
    ResourceDiff,
    ServerSideDiffQuery,
    ServerSideDiffResponse,
)
from argodiff.engine.schema import Schemas
from argodiff.engine.structured import apply
from tests.simulator import argo, defaults
from tests.simulator.kube import Obj, annotations_of, canonical, go_json, key_of, meta

if TYPE_CHECKING:
    from tests.simulator.cluster import SimApp
    from tests.simulator.server import Simulator

PATH = "/application.ApplicationService/ServerSideDiff"
ROUTE = "server-side-diff"
COMPARE_OPTIONS = "argocd.argoproj.io/compare-options"


@dataclass(frozen=True)
class Webhook:
    """A mutating webhook that stamps an annotation on every object applied."""

    annotation: str = "sidecar.example.com/injected"
    value: str = "true"


def app_name_of(body: bytes) -> str:
    """The app a request is about (for the request log and faults); '' if unreadable."""
    try:
        return ServerSideDiffQuery.decode(unframe(body).messages[0]).app_name
    except (ValueError, IndexError):
        return ""


@dataclass(frozen=True)
class GrpcAnswer:
    """An HTTP 200 gRPC-web answer: frames, or (trailers-only) the status in the headers."""

    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = CONTENT_TYPE


def status(code: int, message: str) -> GrpcAnswer:
    """A trailers-only error answer (grpc-message percent-encoded, as grpc-go sends it)."""
    return GrpcAnswer(b"", {"grpc-status": str(code), "grpc-message": quote(message, safe=" ")})


def _answer(response: ServerSideDiffResponse) -> GrpcAnswer:
    trailer = frame(b"grpc-status: 0\r\ngrpc-message: \r\n", TRAILER)
    return GrpcAnswer(frame(response.encode()) + trailer)


def _options(app: SimApp) -> list[str]:
    return [o.strip() for o in app.model.annotations.get(COMPARE_OPTIONS, "").split(",")]


def _dry_run(live: Obj | None, target: Obj, webhook: Webhook | None, keep_webhook: bool) -> Obj:
    """What `kubectl apply --server-side --dry-run=server --field-manager=argocd-controller`
    would return."""
    if live is None:
        predicted = copy.deepcopy(target)
    else:
        resolved = Schemas([target, live]).resolve(target)
        merged = apply(target, live, resolved.root, resolved.schema)
        predicted = copy.deepcopy(live if merged is None else merged)
    defaults.apply(predicted)
    if webhook is not None and keep_webhook:
        annotations_of(predicted)[webhook.annotation] = webhook.value
    return predicted


def _bookkeeping_free(obj: Obj) -> str:
    out = copy.deepcopy(obj)
    for name in ("managedFields", "resourceVersion", "generation"):
        meta(out).pop(name, None)
    return canonical(out)


def server_side_diff(sim: Simulator, body: bytes, logged_in: bool, reason: str) -> GrpcAnswer:
    try:
        query = ServerSideDiffQuery.decode(unframe(body).messages[0])
    except (ValueError, IndexError, DecodeError) as exc:
        return status(13, f"grpc: error unmarshalling request: {exc}")
    if not logged_in:
        return status(16, reason)
    app = sim.cluster.app(query.app_name)
    namespace = query.app_namespace or argo.CONTROLLER_NAMESPACE
    if app is not None and app.model.namespace != namespace:
        app = None
    if query.app_name in sim.denied:
        return status(7, "permission denied")
    if app is None or (query.project and app.model.project != query.project):
        return status(5, f'applications.argoproj.io "{query.app_name}" not found')
    if len(query.live_resources) != len(query.target_manifests):
        return status(13, "error performing state diffs: runtime error: index out of range")
    cluster_live = sim.cluster.live(app)
    keep_webhook = "IncludeMutationWebhook=true" in _options(app)
    items: list[ResourceDiff] = []
    for resource, manifest in zip(query.live_resources, query.target_manifests, strict=True):
        key = (resource.group, resource.kind, resource.namespace, resource.name)
        has_live = resource.live_state not in ("", "null")
        if has_live and key not in cluster_live:
            return status(7, f"permission denied: {'/'.join(key)} is not managed by the app")
        live = cluster_live.get(key) if has_live else None
        target = json.loads(manifest) if manifest else None
        if target is None:
            predicted = None
            modified = False
        else:
            predicted = _dry_run(live, target, sim.webhook, keep_webhook)
            modified = live is None or _bookkeeping_free(predicted) != _bookkeeping_free(live)
        items.append(
            ResourceDiff(
                group=resource.group,
                kind=resource.kind,
                namespace=resource.namespace or (key_of(target)[2] if target else ""),
                name=resource.name,
                target_state=go_json(predicted),
                live_state=resource.live_state if has_live else "null",
                modified=modified,
            )
        )
    return _answer(ServerSideDiffResponse(items=items, modified=any(i.modified for i in items)))
