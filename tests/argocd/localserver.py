"""A real HTTP server on 127.0.0.1 that plays Argo CD, for what `responses` cannot show
(urllib3's own retries, sockets that refuse or hang, several connections at once)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

Answer = tuple[int, dict[str, str], Any]
"""status, headers, JSON body."""
Handler = Callable[[str], Answer]
"""path -> answer; called on the server's request threads."""

PROBE: dict[str, Any] = {
    "/api/version": {"Version": "v3.5.1+109ca7c"},
    "/api/v1/session/userinfo": {"loggedIn": True, "username": "github-actions"},
}


@contextmanager
def serve(handler: Handler) -> Iterator[str]:
    """Run `handler` behind http://127.0.0.1:<port> (yielded) until the block ends."""

    class Handle(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, so connection pooling is real

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            status, headers, body = (200, {}, PROBE[path]) if path in PROBE else handler(path)
            data = json.dumps(body).encode()
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests assert on what the client saw."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
