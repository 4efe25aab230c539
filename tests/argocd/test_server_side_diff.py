"""ServerSideDiff over gRPC-web: the protobuf codec against the field numbers of Argo CD's
protos (argocd-render-and-diff-modes.md §3.2), framing, batching and gRPC status errors."""

from __future__ import annotations

import json

import pytest
import responses

from argodiff.argocd.errors import (
    AccessRejected,
    ArgoError,
    GrpcFailed,
    PermissionDenied,
    ServerSideDiffUnsupported,
    TokenRejected,
)
from argodiff.argocd.grpcweb import CONTENT_TYPE, TRAILER, frame, unframe
from argodiff.argocd.protobuf import (
    DecodeError,
    ResourceDiff,
    ServerSideDiffQuery,
    ServerSideDiffResponse,
    fields,
)
from argodiff.argocd.serverside import METHOD, Aligned, batches
from argodiff.model import Application, ResourceKey
from tests.argocd.conftest import CF_ID, CF_SECRET, SERVER, TOKEN, connected

APP = Application(name="web", namespace="argocd", project="apps")
KEY = ResourceKey("", "Service", "web", "web")
LIVE = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "web"}}


def test_query_fields_carry_argo_cds_numbers() -> None:
    query = ServerSideDiffQuery(
        app_name="web",
        app_namespace="argocd",
        project="apps",
        live_resources=[ResourceDiff(kind="Service", name="web", live_state="{}")],
        target_manifests=[""],
    )
    data = query.encode()
    # appName = 1, appNamespace = 2, project = 3: length-delimited (wire type 2).
    assert data.startswith(b"\x0a\x03web\x12\x06argocd\x1a\x04apps")
    # targetManifests = 5: an empty manifest is still one element (0x2a = 5 << 3 | 2).
    assert data.endswith(b"\x2a\x00")
    inner = ResourceDiff(kind="Service", name="web", live_state="{}").encode()
    assert b"\x22" + bytes([len(inner)]) + inner in data  # liveResources = 4
    assert b"\x12\x07Service" in inner  # kind = 2
    assert b"\x22\x03web" in inner  # name = 4
    assert b"\x32\x02{}" in inner  # liveState = 6
    assert ServerSideDiffQuery.decode(data) == query


def test_response_round_trip_and_bools() -> None:
    item = ResourceDiff(
        group="apps",
        kind="Deployment",
        namespace="web",
        name="web",
        target_state='{"a":1}',
        live_state='{"a":0}',
        hook=True,
        modified=True,
        resource_version="42",
    )
    answer = ServerSideDiffResponse(items=[item], modified=True)
    data = answer.encode()
    assert data.endswith(b"\x10\x01")  # modified = 2, varint
    assert b"\x60\x01" in item.encode()  # ResourceDiff.modified = 12
    assert b"\x40\x01" in item.encode()  # hook = 8
    assert ServerSideDiffResponse.decode(data) == answer


def test_every_resource_diff_field_is_written_in_number_order() -> None:
    # As gogo's Marshal does: an empty string and a false bool are still written.
    assert [number for number, _ in fields(ResourceDiff().encode())] == list(range(1, 13))


def test_long_strings_use_multi_byte_lengths() -> None:
    text = "x" * 300
    data = ResourceDiff(live_state=text).encode()
    assert b"\x32\xac\x02" + text.encode() in data
    assert ResourceDiff.decode(data).live_state == text


def test_unknown_fields_are_skipped_and_garbage_is_refused() -> None:
    unknown = b"\x7d\x00\x00\x00\x00" + b"\x79" + b"\x00" * 8  # field 15 fixed32, fixed64
    assert ResourceDiff.decode(unknown + b"\x12\x03Pod").kind == "Pod"
    with pytest.raises(DecodeError):
        ResourceDiff.decode(b"\x12\x05Po")  # runs past the end
    with pytest.raises(DecodeError):
        ResourceDiff.decode(b"\x12\x02\xff\xfe")  # not UTF-8


def test_frames_and_trailers() -> None:
    body = frame(b"abc") + frame(b"grpc-status: 0\r\ngrpc-message: ok\r\n", TRAILER)
    answer = unframe(body)
    assert answer.messages == [b"abc"]
    assert answer.trailers == {"grpc-status": "0", "grpc-message": "ok"}
    with pytest.raises(ValueError):
        unframe(body[:-3])


def test_batches_stay_under_the_limit_and_a_big_item_goes_alone() -> None:
    assert batches([100, 100, 100], limit=250) == [range(0, 2), range(2, 3)]
    assert batches([300, 10, 10], limit=250) == [range(0, 1), range(1, 3)]
    assert batches([], limit=250) == []


def _answer(items: list[ResourceDiff], status: int = 0, message: str = "") -> bytes:
    trailer = f"grpc-status: {status}\r\ngrpc-message: {message}\r\n".encode()
    return frame(ServerSideDiffResponse(items=items).encode()) + frame(trailer, TRAILER)


def test_the_call_goes_through_the_same_session_and_headers(mock: responses.RequestsMock) -> None:
    client = connected(mock)
    predicted = {**LIVE, "spec": {"type": "ClusterIP"}}
    item = ResourceDiff(
        kind="Service",
        namespace="web",
        name="web",
        target_state=json.dumps(predicted),
        live_state=json.dumps(LIVE),
        modified=True,
    )
    mock.post(
        SERVER + METHOD,
        body=_answer([item]),
        content_type=CONTENT_TYPE,
    )
    [got] = client.server_side_diff(APP, [Aligned(KEY, LIVE, predicted)])
    assert got.predicted == predicted
    assert got.live == LIVE
    assert got.modified
    request = mock.calls[-1].request
    headers = request.headers
    assert headers["Content-Type"] == CONTENT_TYPE
    assert headers["token"] == TOKEN
    assert headers["CF-Access-Client-Id"] == CF_ID
    assert headers["CF-Access-Client-Secret"] == CF_SECRET
    body = request.body if isinstance(request.body, bytes) else b""
    [sent] = unframe(body).messages
    query = ServerSideDiffQuery.decode(sent)
    assert (query.app_name, query.app_namespace, query.project) == ("web", "argocd", "apps")
    assert json.loads(query.live_resources[0].live_state) == LIVE
    assert json.loads(query.target_manifests[0]) == predicted


@pytest.mark.parametrize(
    ("code", "message", "error", "text"),
    [
        (7, "permission denied", PermissionDenied, "`applications, get` on apps/web"),
        (16, "invalid session: token is expired", TokenRejected, "ARGOCD_AUTH_TOKEN"),
        (12, "unknown method ServerSideDiff", ServerSideDiffUnsupported, "v3.2"),
        (13, "error%20getting%20cluster", GrpcFailed, "Internal, code 13): error getting cluster"),
    ],
)
def test_grpc_statuses_are_named_errors(
    mock: responses.RequestsMock, code: int, message: str, error: type[ArgoError], text: str
) -> None:
    client = connected(mock)
    # A trailers-only answer: the status in the HTTP headers, no body.
    mock.post(
        SERVER + METHOD,
        body=b"",
        content_type=CONTENT_TYPE,
        headers={"grpc-status": str(code), "grpc-message": message},
    )
    with pytest.raises(error) as caught:
        client.server_side_diff(APP, [Aligned(KEY, LIVE, LIVE)])
    assert text in str(caught.value)
    assert TOKEN not in str(caught.value)
    assert caught.value.app == "web"


def test_a_status_in_the_trailer_frame_counts(mock: responses.RequestsMock) -> None:
    client = connected(mock)
    mock.post(SERVER + METHOD, body=_answer([], 7, "permission denied"), content_type=CONTENT_TYPE)
    with pytest.raises(PermissionDenied):
        client.server_side_diff(APP, [Aligned(KEY, LIVE, LIVE)])


def test_cloudflare_access_is_named_as_for_rest(mock: responses.RequestsMock) -> None:
    client = connected(mock)
    login = "https://team.cloudflareaccess.com/cdn-cgi/access/login/argocd.example.com"
    mock.post(SERVER + METHOD, status=302, headers={"Location": login})
    with pytest.raises(AccessRejected):
        client.server_side_diff(APP, [Aligned(KEY, LIVE, LIVE)])
