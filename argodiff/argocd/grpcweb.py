"""gRPC-web over HTTP/1.1, for the one RPC REST cannot carry (ServerSideDiff).

What `argocd --grpc-web` does (pkg/apiclient/grpcproxy.go): `POST /<service>/<method>` with
`content-type: application/grpc-web+proto`, the token as header `token` (gRPC metadata travels
as HTTP headers), and one frame: flag byte 0x00, 4-byte big-endian length, the message. The
answer is data frames (flag 0x00) then a trailer frame (flag 0x80) of `grpc-status: N` /
`grpc-message: …` lines; a trailers-only answer puts them in the HTTP headers instead.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import requests

from argodiff.argocd.answers import Subject, read_json
from argodiff.argocd.errors import (
    AppNotFound,
    ArgoError,
    GrpcFailed,
    ServerSideDiffDenied,
    ServerSideDiffUnsupported,
    TokenRejected,
    UnexpectedAnswer,
    Unreachable,
)
from argodiff.argocd.http import Transport, public_url

CONTENT_TYPE = "application/grpc-web+proto"
DATA, TRAILER, COMPRESSED = 0x00, 0x80, 0x01
HEADER = struct.Struct(">BI")

CODES = {
    0: "OK",
    1: "Canceled",
    2: "Unknown",
    3: "InvalidArgument",
    4: "DeadlineExceeded",
    5: "NotFound",
    6: "AlreadyExists",
    7: "PermissionDenied",
    8: "ResourceExhausted",
    9: "FailedPrecondition",
    10: "Aborted",
    11: "OutOfRange",
    12: "Unimplemented",
    13: "Internal",
    14: "Unavailable",
    15: "DataLoss",
    16: "Unauthenticated",
}
OK, NOT_FOUND, PERMISSION_DENIED, UNIMPLEMENTED, UNAVAILABLE, UNAUTHENTICATED = 0, 5, 7, 12, 14, 16


def frame(message: bytes, flag: int = DATA) -> bytes:
    return HEADER.pack(flag, len(message)) + message


@dataclass
class Answer:
    messages: list[bytes]
    trailers: dict[str, str]


def unframe(body: bytes) -> Answer:
    """The data messages and the trailers of a gRPC-web body; ValueError if malformed."""
    messages: list[bytes] = []
    trailers: dict[str, str] = {}
    pos = 0
    while pos < len(body):
        if pos + HEADER.size > len(body):
            raise ValueError("a frame header is cut short")
        flag, size = HEADER.unpack_from(body, pos)
        pos += HEADER.size
        payload = body[pos : pos + size]
        if len(payload) != size:
            raise ValueError("a frame is cut short")
        pos += size
        if flag & COMPRESSED:
            raise ValueError("a compressed frame (no compression was asked for)")
        if flag & TRAILER:
            trailers.update(parse_trailers(payload))
        else:
            messages.append(payload)
    return Answer(messages, trailers)


def parse_trailers(payload: bytes) -> dict[str, str]:
    out = {}
    for line in payload.decode("utf-8", "replace").split("\r\n"):
        name, sep, value = line.partition(":")
        if sep:
            out[name.strip().lower()] = value.strip()
    return out


@dataclass(frozen=True)
class Call:
    """One RPC, and what its errors should name."""

    method: str
    """`/application.ApplicationService/ServerSideDiff`"""
    subject: Subject


def invoke(transport: Transport, server: str, token: str, call: Call, request: bytes) -> bytes:
    """The one response message of a unary call; a non-OK status raises the named error."""
    headers = {"Content-Type": CONTENT_TYPE, "Accept": CONTENT_TYPE, "X-Grpc-Web": "1"}
    if token:
        headers["token"] = token
    resp = transport.post(server, call.method, frame(request), headers, call.subject)
    status = resp.headers.get("grpc-status")
    if resp.status_code != 200:
        if status is not None:
            _raise(call, server, int(status), resp.headers.get("grpc-message", ""), transport)
        read_json(resp, public_url(server), call.subject, transport.scrub)  # raises for non-2xx
        raise _unexpected(call, resp, "an HTTP answer other than 200")
    if not resp.headers.get("Content-Type", "").startswith("application/grpc-web"):
        raise _unexpected(call, resp, "not a gRPC-web answer (is gRPC-web reaching Argo CD?)")
    try:
        answer = unframe(resp.content)
    except ValueError as exc:
        raise _unexpected(call, resp, str(exc)) from None
    trailers = {k.lower(): v for k, v in resp.headers.items()} | answer.trailers
    code = trailers.get("grpc-status")
    if code is None or not code.isdigit():
        raise _unexpected(call, resp, "no grpc-status in the answer")
    if int(code) != OK:
        _raise(call, server, int(code), trailers.get("grpc-message", ""), transport)
    if len(answer.messages) != 1:
        raise _unexpected(call, resp, f"{len(answer.messages)} messages for a unary call")
    return answer.messages[0]


def _unexpected(call: Call, resp: requests.Response, detail: str) -> UnexpectedAnswer:
    return UnexpectedAnswer(
        urlsplit(resp.url).path or call.method,
        detail,
        status=resp.status_code,
        content_type=resp.headers.get("Content-Type", ""),
        app=call.subject.app,
    )


def _raise(call: Call, server: str, code: int, message: str, transport: Transport) -> None:
    detail = transport.scrub(unquote(message)) or "(no message)"
    raise status_error(call, public_url(server), code, detail)


def status_error(call: Call, server: str, code: int, detail: str) -> ArgoError:
    """A gRPC status as argodiff's named error."""
    subject = call.subject
    app = subject.app
    if code == UNAUTHENTICATED:
        return TokenRejected(detail, app=app)
    if code == PERMISSION_DENIED and app:
        return ServerSideDiffDenied(app, subject.project, detail)
    if code == NOT_FOUND and app and "applications.argoproj.io" in detail:
        return AppNotFound(app, subject.project, subject.namespace)
    if code == UNIMPLEMENTED:
        return ServerSideDiffUnsupported(server, app=app)
    if code == UNAVAILABLE:
        return Unreachable(server, f"gRPC Unavailable: {detail}", app=app)
    method = call.method.rsplit("/", 1)[-1]
    return GrpcFailed(method, code, CODES.get(code, "Unknown"), detail, app=app)
