"""Answers from a server, bounded: at most `LIMITS.response_bytes` of body, counted after
decompression (a gzip bomb stops there), and a total time per request. requests' own timeout
is per read: a server that sends one byte every few seconds would never trip it."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from typing import Any

import requests

_CHUNK = 64 * 1024


class AnswerTooLarge(Exception):
    """The body went past the byte cap."""


class DeadlineExpired(requests.exceptions.Timeout):
    """The request (retries included) took longer than its total time limit."""


def _read(resp: requests.Response, max_bytes: int) -> None:
    """Read the whole body into `resp.content`, decompressed, stopping past `max_bytes`."""
    chunks: list[bytes] = []
    total = 0
    for chunk in resp.iter_content(_CHUNK):
        total += len(chunk)
        if total > max_bytes:
            resp.close()
            raise AnswerTooLarge(max_bytes)
        chunks.append(chunk)
    resp._content = b"".join(chunks)  # what `resp.content` returns from now on


def _abort(resp: requests.Response | None) -> None:
    """Wake a read blocked on `resp`'s socket (best effort: urllib3 keeps it private)."""
    if resp is None:
        return
    sock: Any = resp.raw
    for name in ("_fp", "fp", "raw", "_sock"):
        sock = getattr(sock, name, None)
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(Exception):
        resp.close()


def fetch(
    call: Callable[[], requests.Response], *, max_bytes: int, seconds: float
) -> requests.Response:
    """`call()` (a request made with stream=True) with its body read under both bounds; its
    exceptions are raised here, DeadlineExpired after `seconds`."""
    box: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            resp = call()
            box["resp"] = resp
            _read(resp, max_bytes)
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=work, daemon=True, name="argodiff-http").start()
    if not done.wait(seconds):
        _abort(box.get("resp"))
        raise DeadlineExpired(f"no complete answer within {seconds:g} s")
    if "error" in box:
        raise box["error"]
    resp: requests.Response = box["resp"]
    return resp
