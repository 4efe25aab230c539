"""The real `argodiff` CLI as a subprocess, as a new user runs it, and small servers on
127.0.0.1 that misbehave the ways a first connection does."""

from __future__ import annotations

import datetime
import http.server
import ipaddress
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

REPO_ROOT = Path(__file__).resolve().parents[2]
CLI_TIMEOUT = 120


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any Argo CD, Cloudflare, GitHub Actions or CA setting."""
    drop = ("ARGOCD_", "CF_ACCESS_", "GITHUB_", "INPUT_", "RUNNER_", "REQUESTS_CA", "CURL_CA")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update({"NO_COLOR": "1", **extra})
    return env


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("argodiff: error:")]


def argodiff(
    *args: str,
    cwd: Path = REPO_ROOT,
    env: Mapping[str, str] | None = None,
    timeout: float = CLI_TIMEOUT,
) -> Run:
    """`python -m argodiff ARGS`, to completion."""
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "argodiff", *args],
        cwd=cwd,
        env=dict(env) if env is not None else clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started)


def start(
    *args: str, cwd: Path = REPO_ROOT, env: Mapping[str, str] | None = None
) -> subprocess.Popen[str]:
    """`python -m argodiff ARGS`, running; stderr line-buffered for reading as it comes."""
    return subprocess.Popen(
        [sys.executable, "-m", "argodiff", *args],
        cwd=cwd,
        env=dict(env) if env is not None else clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
    )


def read_until(stream: object, needle: str, timeout: float = 30) -> tuple[str, float]:
    """Lines of `stream` up to the one holding `needle`, and the seconds that took."""
    started = time.monotonic()
    seen: list[str] = []
    result: list[str] = []

    def read() -> None:
        for line in stream:  # type: ignore[attr-defined]
            seen.append(line)
            if needle in line:
                result.append(line)
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    assert result, f"no {needle!r} within {timeout} s; got {''.join(seen)!r}"
    return "".join(seen), time.monotonic() - started


def closed_port() -> str:
    """An address where nothing listens: connection refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"127.0.0.1:{port}"


@contextmanager
def silent_server() -> Iterator[str]:
    """`host:port` that accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield f"127.0.0.1:{sock.getsockname()[1]}"


class _Version(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        answers = {
            "/api/version": b'{"Version": "v3.5.1"}',
            "/api/v1/session/userinfo": b'{"loggedIn": true}',
        }
        body = answers.get(self.path.partition("?")[0], b"{}")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@contextmanager
def http_server(tls_cert: tuple[Path, Path] | None = None) -> Iterator[str]:
    """`host:port` of a tiny Argo CD look-alike: plain HTTP, or TLS with the given cert/key."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Version)
    server.daemon_threads = True
    if tls_cert is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls_cert)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that no CA vouches for, and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "argocd.test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def git_only_path(tmp_path: Path) -> str:
    """A PATH holding git alone: no helm, no kubectl, no kustomize."""
    bin_dir = tmp_path / "git-only-bin"
    bin_dir.mkdir()
    git = shutil.which("git")
    assert git is not None
    (bin_dir / "git").symlink_to(git)
    return str(bin_dir)


def wait_until_argodiff_runs(pid: int, timeout: float = 30) -> None:
    """Until the process catches SIGTERM: argodiff's first statement installs that handler,
    and before it the interpreter itself is still starting (outside argodiff's reach)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return  # it ended already
        caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
        if int(caught.split()[1], 16) & (1 << (signal.SIGTERM - 1)):
            return
        time.sleep(0.005)
    raise AssertionError(f"argodiff did not start within {timeout} s")
