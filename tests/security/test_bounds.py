"""Every render and every answer is bounded: a PR (or a server) that prints without end, nests
aliases, or never finishes costs its own app a clear error, within the time limit, and leaves no
process behind."""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
import threading
import time
import uuid
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.appsets.fixtures import appset, template
from tests.fixture_repo import application
from tests.github.conftest import FakeGitHub
from tests.security.canaries import ARGOCD_TOKEN
from tests.security.harness import Cli, checkout
from tests.security.hostile import (
    CHART_YAML,
    CREDENTIAL_ENV,
    HOSTILE,
    OUTSIDE,
    app,
    assert_refused_everywhere,
    build,
    helm_app,
    leaks,
    processes_with,
    run_offline,
)

pytestmark = pytest.mark.e2e

APP = f"argoproj/{HOSTILE}"


def _chart(template: str, release: str = "") -> dict[str, str]:
    helm = f"releaseName: {release}" if release else ""
    return {
        f"{APP}/application.yaml": helm_app(HOSTILE, helm),
        f"{APP}/chart/Chart.yaml": CHART_YAML,
        f"{APP}/chart/templates/x.yaml": template,
    }


def test_a_template_that_prints_too_much(
    cli: Cli, github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 100 MiB default takes helm a minute to reach; the limit is lowered to 1 MiB (as
    ARGODIFF_MAX_TOOL_OUTPUT allows) for a 4 MB template."""
    monkeypatch.setenv("ARGODIFF_MAX_TOOL_OUTPUT", str(1024 * 1024))
    template = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n"
    template += '  k: {{ repeat 4000000 "x" }}\n'
    h = build(tmp_path / "repo", _chart(template))
    assert_refused_everywhere(h, cli, github, tmp_path, "output exceeds the limit")


def test_a_chart_that_expands_past_the_memory_limit(
    cli: Cli, github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 2 GB string built in memory, printed as one number: the output limit never sees it.
    The limit is lowered to its 1 GiB floor so helm fails in a fraction of a second."""
    monkeypatch.setenv("ARGODIFF_MAX_TOOL_MEMORY", str(1024**3))
    template = '{{ $x := repeat 100000000 "x" }}{{ $y := repeat 20 $x }}'
    template += "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\n"
    template += "data: {n: '{{ len $y }}'}\n"
    h = build(tmp_path / "repo", _chart(template))
    assert_refused_everywhere(
        h, cli, github, tmp_path, "helm: ran out of its memory limit of 1,024 MiB"
    )


def test_an_application_set_go_template_past_the_memory_limit(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The helm run behind ApplicationSet Go templates has the same memory limit."""
    monkeypatch.setenv("ARGODIFF_MAX_TOOL_MEMORY", str(1024**3))
    name = '{{ $x := repeat 100000000 "x" }}{{ $y := repeat 20 $x }}{{ .n }}{{ len $y }}'
    files = {
        "argoproj/hog/appset.yaml": appset(
            "hog", [{"list": {"elements": [{"n": "a"}]}}], template(name, APP, "hog"),
            goTemplate=True,
        ),
    }  # fmt: skip
    out = run_offline(build(tmp_path / "repo", files), cli, tmp_path / "offline")
    assert "Traceback" not in out.stderr and leaks(out) == []
    assert out.code == 2, out.stdout[-3000:] + out.stderr[-3000:]
    assert "ran out of its memory limit of 1,024 MiB" in str(
        app(out, "ApplicationSet/hog")["error"]
    )
    assert app(out, "good")["status"] == "changed"


def test_the_default_memory_limit_leaves_helm_and_kubectl_working(cli: Cli, tmp_path: Path) -> None:
    """Go reserves address space up front: under the 4 GiB default both tools still render."""
    files = {
        **_chart("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine}\n"),
        "argoproj/plain/application.yaml": application("plain", "plain", path="argoproj/plain"),
        "argoproj/plain/kustomization.yaml": "resources: [cm.yaml]\n",
        "argoproj/plain/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: p}\n",
    }
    out = run_offline(build(tmp_path / "repo", files), cli, tmp_path / "offline")
    assert out.code == 1, out.stdout[-3000:] + out.stderr[-3000:]
    for name in (HOSTILE, "plain", "good"):
        assert app(out, name)["status"] == "changed", app(out, name)


def test_an_alias_bomb_in_a_1_mb_file(cli: Cli, github: FakeGitHub, tmp_path: Path) -> None:
    lines = ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: bomb}", "data:"]
    lines.append('  a: &a ["' + "x" * 1000 + '"]')
    prev = [("a" if i == 0 else f"k{i - 1}") for i in range(20)]
    lines += [f"  k{i}: &k{i} [*{p}, *{p}, *{p}, *{p}]" for i, p in enumerate(prev)]
    text = "\n".join(lines) + "\n"
    text += "# padding\n" * ((1_000_000 - len(text)) // 10)
    files = {
        f"{APP}/application.yaml": application(HOSTILE, HOSTILE, path=f"{APP}/manifests"),
        f"{APP}/manifests/bomb.yaml": text,
    }
    h = build(tmp_path / "repo", files)
    assert_refused_everywhere(h, cli, github, tmp_path, "YAML alias bomb")


SLOW = "{{ range until 20000 }}{{ range until 20000 }}{{ end }}{{ end }}"
"""Four hundred million empty iterations: minutes of CPU, no output, little memory."""


def test_timeout_kills_a_render_and_its_process_group(cli: Cli, tmp_path: Path) -> None:
    marker = f"slow-{uuid.uuid4().hex[:12]}"
    h = build(tmp_path / "repo", _chart(SLOW, marker))
    start = time.monotonic()
    out = run_offline(h, cli, tmp_path / "offline", "--timeout", "8")
    took = time.monotonic() - start
    assert took < 20, took
    assert out.code == 2 and leaks(out) == []
    assert app(out, "good")["status"] == "changed"
    assert "time limit" in str(app(out, HOSTILE)["error"])
    time.sleep(0.5)
    assert processes_with(f"--name-template={marker}") == []


def test_the_tool_time_limit_is_configurable(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ARGODIFF_TOOL_TIMEOUT stops the slow render well inside the run's --timeout."""
    monkeypatch.setenv("ARGODIFF_TOOL_TIMEOUT", "2")
    h = build(tmp_path / "repo", _chart(SLOW))
    start = time.monotonic()
    out = run_offline(h, cli, tmp_path / "offline", "--timeout", "100")
    assert time.monotonic() - start < 30
    assert out.code == 2 and leaks(out) == []
    assert app(out, "good")["status"] == "changed"
    assert "helm: timed out after 2 s" in str(app(out, HOSTILE)["error"])


def test_timeout_leaves_no_child_when_argodiff_exits(tmp_path: Path) -> None:
    """The same as its own process: when argodiff exits on --timeout, helm is gone too."""
    marker = f"slow-{uuid.uuid4().hex[:12]}"
    h = build(tmp_path / "repo", _chart(SLOW, marker))
    ws = checkout(h, tmp_path / "ws")
    proc = subprocess.run(
        [sys.executable, "-m", "argodiff", "app", "--all", "--base", h.base, "--timeout", "6"],
        cwd=ws, capture_output=True, text=True, timeout=60, check=False,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path), **CREDENTIAL_ENV},
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert processes_with(f"--name-template={marker}") == []


# --- PID 1: argodiff as the action's container runs it ---------------------------------------

UNSHARE = shutil.which("unshare")


@pytest.mark.skipif(UNSHARE is None, reason="unshare (util-linux) is not installed")
def test_as_pid_1_the_environment_stays_out_of_reach(tmp_path: Path) -> None:
    """argodiff as PID 1 of its own PID namespace, holding the credentials in its environment
    (the action's inputs), rendering a chart that links /proc/1/environ: nothing leaks."""
    files = _chart('data: {{ .Files.Get "files/env" | splitList "" | join " " | quote }}\n')
    h = build(tmp_path / "repo", files, {f"{APP}/chart/files/env": "/proc/1/environ"})
    ws = checkout(h, tmp_path / "ws")
    argv = [sys.executable, "-m", "argodiff", "app", "--all", "--base", h.base, "-o", "json"]
    proc = subprocess.run(
        [UNSHARE or "unshare", "--pid", "--fork", "--mount-proc", *argv],
        cwd=ws, capture_output=True, text=True, timeout=120, check=False,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path), **CREDENTIAL_ENV},
    )  # fmt: skip
    if proc.returncode != 2 and "unshare failed" in proc.stderr:
        pytest.skip(f"unshare cannot create a PID namespace here: {proc.stderr.strip()}")
    assert proc.returncode == 2, proc.stderr
    for secret in (ARGOCD_TOKEN, OUTSIDE):
        assert secret.replace("", " ")[1:-1] not in proc.stdout + proc.stderr
        assert secret not in proc.stdout + proc.stderr
    apps = {a["name"]: a for a in json.loads(proc.stdout)["apps"]}
    assert "/proc/1/environ" in apps[HOSTILE]["error"]
    assert apps["good"]["status"] == "changed"


# --- servers: a gzip bomb, an endless body, a byte every two seconds --------------------------


class _Hostile(BaseHTTPRequestHandler):
    mode = "gzip"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if self.mode == "gzip":
            body = _bomb()
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.end_headers()
        try:
            if self.mode == "endless":
                while True:
                    self.wfile.write(b" " * 65536)
            for _ in range(60):  # drip: one byte every two seconds
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(2)
        except OSError:
            pass


@functools.cache
def _bomb() -> bytes:
    """400 MiB of JSON as about 400 KiB of gzip."""
    packer = zlib.compressobj(1, zlib.DEFLATED, 31)  # 31: the gzip container
    zeros = b"0" * (1024 * 1024)
    parts = [packer.compress(b'{"a": "')]
    parts += [packer.compress(zeros) for _ in range(400)]
    return b"".join([*parts, packer.compress(b'"}'), packer.flush()])


@pytest.fixture
def hostile_server(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "gzip":
        _bomb()  # made before the request, not while the client waits
    handler = type("H", (_Hostile,), {"mode": request.param})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize(
    ("hostile_server", "message"),
    [
        ("gzip", "larger than"),
        ("endless", "larger than"),
        ("drip", "no answer within 3 s"),
    ],
    indirect=["hostile_server"],
)
def test_a_hostile_server_is_bounded(hostile_server: str, message: str, tmp_path: Path) -> None:
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path), **CREDENTIAL_ENV}
    # 16 MiB instead of 256: the same check, less decompressing on a busy machine.
    env |= {"ARGODIFF_RETRY_BACKOFF": "0", "ARGODIFF_MAX_RESPONSE_BYTES": str(16 * 1024 * 1024)}
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "argodiff", "app", "web", "--current", "--server", hostile_server,
         "--request-timeout", "3"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False, env=env,
    )  # fmt: skip
    assert time.monotonic() - start < 60
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert message in proc.stderr, proc.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("ARGODIFF_TOOL_TIMEOUT", "0", "=0 is outside 1..86,400 seconds"),
        ("ARGODIFF_TOOL_TIMEOUT", "soon", "='soon' is not a number of seconds"),
        ("ARGODIFF_MAX_TOOL_MEMORY", "536870912", " is outside 1,073,741,824..68,719,476,736"),
    ],
)  # fmt: skip
def test_a_bad_tool_limit_is_a_configuration_error(
    cli: Cli, tmp_path: Path, name: str, value: str, message: str
) -> None:
    out = cli.run(["app", "--all", "--base", "HEAD"], cwd=tmp_path, env={name: value})
    assert "Traceback" not in out.stderr
    assert out.code == 2, out.stderr
    assert f"argodiff: error: {name}=" in out.stderr and message in out.stderr
