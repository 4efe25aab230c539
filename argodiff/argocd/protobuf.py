"""The few protobuf messages of Argo CD's ServerSideDiff RPC, encoded and decoded by hand.

Field numbers from argo-cd v3.5.1 `server/application/application.proto`
(ApplicationServerSideDiffQuery, ApplicationServerSideDiffResponse) and
`pkg/apis/application/v1alpha1/generated.proto` (ResourceDiff); see
argocd-render-and-diff-modes.md §3.2. Only the wire types these use: varint (0) and
length-delimited (2); other fields are skipped when decoding, as protobuf requires.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeVar

VARINT = 0
FIXED64 = 1
LENGTH_DELIMITED = 2
FIXED32 = 5

T = TypeVar("T")


class DecodeError(ValueError):
    """Bytes that are not a well-formed protobuf message."""


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _tag(number: int, wire: int) -> bytes:
    return _varint(number << 3 | wire)


def _bytes_field(number: int, data: bytes) -> bytes:
    return _tag(number, LENGTH_DELIMITED) + _varint(len(data)) + data


def _string(number: int, text: str) -> bytes:
    return _bytes_field(number, text.encode())


def _bool(number: int, value: bool) -> bytes:
    return _tag(number, VARINT) + _varint(int(value))


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise DecodeError("truncated or overlong varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) pairs: an int for varints, bytes for length-delimited fields."""
    pos = 0
    while pos < len(data):
        key, pos = _read_varint(data, pos)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise DecodeError("field number 0")
        if wire == VARINT:
            value, pos = _read_varint(data, pos)
            yield number, value
        elif wire == LENGTH_DELIMITED:
            size, pos = _read_varint(data, pos)
            if pos + size > len(data):
                raise DecodeError("length-delimited field runs past the end")
            yield number, data[pos : pos + size]
            pos += size
        elif wire in (FIXED64, FIXED32):
            pos += 8 if wire == FIXED64 else 4
            if pos > len(data):
                raise DecodeError("fixed-size field runs past the end")
        else:
            raise DecodeError(f"unsupported wire type {wire}")


def _text(value: int | bytes) -> str:
    if not isinstance(value, bytes):
        raise DecodeError("a string field holds a varint")
    try:
        return value.decode()
    except UnicodeDecodeError:
        raise DecodeError("a string field is not UTF-8") from None


def _flag(value: int | bytes) -> bool:
    if isinstance(value, bytes):
        raise DecodeError("a bool field is length-delimited")
    return value != 0


def _numbered(number: int, default: T) -> T:
    """A message field, its protobuf field number kept beside it (as in the .proto)."""
    return field(default=default, metadata={"number": number})


@dataclass
class ResourceDiff:
    """v1alpha1.ResourceDiff (generated.proto): strings and bools, fields 1-12."""

    group: str = _numbered(1, "")
    kind: str = _numbered(2, "")
    namespace: str = _numbered(3, "")
    name: str = _numbered(4, "")
    target_state: str = _numbered(5, "")
    live_state: str = _numbered(6, "")
    diff: str = _numbered(7, "")
    hook: bool = _numbered(8, False)
    normalized_live_state: str = _numbered(9, "")
    predicted_live_state: str = _numbered(10, "")
    resource_version: str = _numbered(11, "")
    modified: bool = _numbered(12, False)

    def encode(self) -> bytes:
        # gogo-generated Marshal writes every non-nullable field, empty or not, in number
        # order; so do we.
        # One join: live and target states can be megabytes, not to be copied once per field.
        return b"".join(
            _bool(f.metadata["number"], value)
            if isinstance(value := getattr(self, f.name), bool)
            else _string(f.metadata["number"], value)
            for f in dataclasses.fields(self)
        )

    @classmethod
    def decode(cls, data: bytes) -> ResourceDiff:
        by_number = {f.metadata["number"]: f for f in dataclasses.fields(cls)}
        out = cls()
        for number, value in fields(data):
            if (f := by_number.get(number)) is not None:
                flag = isinstance(f.default, bool)
                setattr(out, f.name, _flag(value) if flag else _text(value))
        return out


@dataclass
class ServerSideDiffQuery:
    """application.ApplicationServerSideDiffQuery: `live_resources[i]` pairs with
    `target_manifests[i]`."""

    app_name: str
    app_namespace: str = ""
    project: str = ""
    live_resources: list[ResourceDiff] = field(default_factory=list)
    target_manifests: list[str] = field(default_factory=list)

    def encode(self) -> bytes:
        out = _string(1, self.app_name) + _string(2, self.app_namespace) + _string(3, self.project)
        out += b"".join(_bytes_field(4, r.encode()) for r in self.live_resources)
        # Repeated strings: every element is written, an empty one too (keeps the alignment).
        return out + b"".join(_string(5, m) for m in self.target_manifests)

    @classmethod
    def decode(cls, data: bytes) -> ServerSideDiffQuery:
        out = cls(app_name="")
        for number, value in fields(data):
            if number == 1:
                out.app_name = _text(value)
            elif number == 2:
                out.app_namespace = _text(value)
            elif number == 3:
                out.project = _text(value)
            elif number == 4:
                if not isinstance(value, bytes):
                    raise DecodeError("liveResources holds a varint")
                out.live_resources.append(ResourceDiff.decode(value))
            elif number == 5:
                out.target_manifests.append(_text(value))
        return out


@dataclass
class ServerSideDiffResponse:
    """application.ApplicationServerSideDiffResponse: items (1), modified (2)."""

    items: list[ResourceDiff] = field(default_factory=list)
    modified: bool = False

    def encode(self) -> bytes:
        out = b"".join(_bytes_field(1, item.encode()) for item in self.items)
        return out + _bool(2, self.modified)

    @classmethod
    def decode(cls, data: bytes) -> ServerSideDiffResponse:
        out = cls()
        for number, value in fields(data):
            if number == 1:
                if not isinstance(value, bytes):
                    raise DecodeError("items holds a varint")
                out.items.append(ResourceDiff.decode(value))
            elif number == 2:
                out.modified = _flag(value)
        return out
