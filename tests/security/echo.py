"""A hostile or broken server on 127.0.0.1 that repeats every request header in its error
body, as some proxies and misconfigured gateways do."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _EchoServer

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        headers = "\n".join(f"{k}: {v}" for k, v in self.headers.items())
        if self.server.cut_at:
            # One plain-text line, the credential starting just before `cut_at` characters.
            auth = self.headers.get("Authorization", "")
            body = "E" * (self.server.cut_at - len(auth) // 2) + f"{auth} {headers!r}"
            content_type = "text/plain"
        elif self.server.html:
            body = f"<html><body><h1>Error</h1><pre>{self.path}\n{headers}</pre></body></html>"
            content_type = "text/html"
        else:
            message = f"request {self.path} refused; you sent:\n{headers}"
            body = json.dumps({"error": message, "code": 2, "message": message})
            content_type = "application/json"
        data = body.encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_POST = do_GET


class _EchoServer(ThreadingHTTPServer):
    daemon_threads = True
    status = 500
    html = False
    cut_at = 0


@contextmanager
def echo_server(status: int, *, html: bool = False, cut_at: int = 0) -> Iterator[str]:
    """The server's base URL; every request gets `status` and its own headers back: as JSON,
    as an HTML page, or (`cut_at`) as one text line with the Authorization header straddling
    character `cut_at`."""
    httpd = _EchoServer(("127.0.0.1", 0), _Handler)
    httpd.status, httpd.html, httpd.cut_at = status, html, cut_at
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def closed_port_url() -> str:
    """A URL nothing listens on: the port was just free."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
