"""The one place argodiff starts subprocesses (kustomize, helm, git), each bounded in time and
output (renders in memory too) and killed with its whole process group when a bound is hit."""

from __future__ import annotations

import atexit
import contextlib
import os
import resource
import selectors
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from argodiff import deadline
from argodiff.errors import ArgodiffError
from argodiff.limits import LIMITS, MIB

MAX_MESSAGE = 2000
MAX_STDERR = 1024 * 1024
"""Only the start of stderr is kept: the message shown is trimmed to MAX_MESSAGE anyway."""
_CHUNK = 64 * 1024


class CommandError(ArgodiffError):
    """A tool failed, timed out or is not installed; the message is the tool's own, trimmed."""

    def __init__(self, tool: str, message: str) -> None:
        self.tool = tool
        super().__init__(f"{tool}: {message}")


@dataclass(frozen=True)
class Result:
    stdout: bytes
    stderr: str


@dataclass(frozen=True)
class Sandbox:
    """How an untrusted render runs: a minimal environment (nothing of argodiff's own, so no
    credential), and as `uid`/`gid` when set (argodiff running as root)."""

    env: Mapping[str, str] = field(default_factory=dict)
    uid: int | None = None
    gid: int | None = None


def trim(text: str, limit: int = MAX_MESSAGE) -> str:
    """A tool's message made short enough to show: stripped, at most `limit` characters."""
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


_KUSTOMIZE_HINT = (
    "; kustomize sources need kustomize or kubectl (`kubectl kustomize`) on PATH: see"
    " https://kubectl.docs.kubernetes.io/installation/kustomize/ or"
    " https://kubernetes.io/docs/tasks/tools/"
)
INSTALL_HINTS = {
    "kubectl": _KUSTOMIZE_HINT,
    "kustomize": _KUSTOMIZE_HINT,
    "helm": "; Helm sources need helm on PATH: see https://helm.sh/docs/intro/install/",
}
"""What a user without the tool can do (argodiff runs kubectl only as `kubectl kustomize`)."""

_CREDENTIAL_WORDS = ("TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "API_KEY", "APIKEY")


_environment: dict[str, str] = {}


def use_environment(environ: Mapping[str, str]) -> None:
    """The process environment tools start from, handed over once by `cli.main` (nothing this
    deep reads `os.environ`; until then tools get no variables but these)."""
    _environment.clear()
    _environment.update(environ)


def _tool_environment(extra: Mapping[str, str] | None) -> dict[str, str]:
    """The environment git runs with: argodiff's, minus every credential. Action inputs
    (`INPUT_*`) all go: argodiff read them already. Renders get a Sandbox instead."""
    env = {
        name: value
        for name, value in _environment.items()
        if not name.startswith("INPUT_")
        and not any(word in name.upper() for word in _CREDENTIAL_WORDS)
    }
    env.update(extra or {})
    return env


def which(tool: str) -> str | None:
    return shutil.which(tool, path=_environment.get("PATH", os.defpath))


# --- the run's deadline and the children alive now ------------------------------------------

_lock = threading.Lock()
_groups: set[int] = set()


def kill_all() -> None:
    """Kill every process group argodiff started that is still running (the run's time limit
    expired, or argodiff is exiting)."""
    with _lock:
        groups = list(_groups)
    for pgid in groups:
        _kill_group(pgid)


atexit.register(kill_all)


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _budget(timeout: float) -> tuple[float, bool]:
    """The time this command may take, and whether the run's deadline is what limits it."""
    left = deadline.remaining()
    if left is None:
        return timeout, False
    return (left, True) if left < timeout else (timeout, False)


def _memory_limit(limit: int) -> Callable[[], None]:
    """Run in the child before exec: cap its address space, so a template that expands without
    end fails its own allocation instead of starving the machine (Argo CD's repo server leans
    on its pod's memory limit for the same)."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


_OUT_OF_MEMORY = ("out of memory", "cannot allocate memory", "failed to reserve")
"""What Go's runtime (helm, kubectl) prints when an allocation fails."""


def _start(
    args: Sequence[str],
    cwd: Path | None,
    env: Mapping[str, str] | None,
    sandbox: Sandbox | None,
    memory: int | None,
) -> subprocess.Popen[bytes]:
    full_env = _tool_environment(env) if sandbox is None else {**sandbox.env, **(env or {})}
    switch = sandbox is not None and sandbox.uid is not None
    # Found on argodiff's PATH, never on the sandbox's.
    executable = which(args[0])
    if executable is None:
        raise FileNotFoundError(args[0])
    return subprocess.Popen(
        list(args),
        cwd=cwd,
        env=full_env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # Its own session: on a timeout the tool and everything it started die together.
        start_new_session=True,
        user=sandbox.uid if switch and sandbox else None,
        group=sandbox.gid if switch and sandbox else None,
        extra_groups=[] if switch else None,
        executable=executable,
        # Between fork and exec only setrlimit runs: it takes no lock another thread could
        # hold, so the threads' hazard ruff warns of does not arise.
        preexec_fn=_memory_limit(memory) if memory else None,  # noqa: PLW1509
    )


def _collect(
    proc: subprocess.Popen[bytes], stdin: bytes | None, until: float, max_output: int
) -> tuple[bytes, bytes, str]:
    """Read stdout and stderr until the process closes them; '' or why it was stopped."""
    assert proc.stdout and proc.stderr and proc.stdin
    if stdin:
        with contextlib.suppress(BrokenPipeError):
            proc.stdin.write(stdin)
    proc.stdin.close()
    out: list[bytes] = []
    err: list[bytes] = []
    sizes = {"out": 0, "err": 0}
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ, "out")
    sel.register(proc.stderr, selectors.EVENT_READ, "err")
    try:
        while sel.get_map():
            left = until - time.monotonic()
            if left <= 0:
                return b"".join(out), b"".join(err), "timeout"
            for key, _ in sel.select(timeout=left):
                chunk = os.read(key.fd, _CHUNK)
                if not chunk:
                    sel.unregister(key.fileobj)
                    continue
                sizes[key.data] += len(chunk)
                if key.data == "out":
                    if sizes["out"] > max_output:
                        return b"".join(out), b"".join(err), "output"
                    out.append(chunk)
                elif sizes["err"] <= MAX_STDERR:
                    err.append(chunk)
    finally:
        sel.close()
    return b"".join(out), b"".join(err), ""


def run(
    args: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    stdin: bytes | None = None,
    ok_codes: tuple[int, ...] = (0,),
    max_output: int | None = None,
    sandbox: Sandbox | None = None,
    render: bool = False,
) -> Result:
    """Run a tool; raise CommandError on a missing binary, a timeout, too much output, running
    out of memory or an unexpected exit code. `timeout` is at most the tool time limit (its
    default). With a `sandbox`, the tool gets only the sandbox's environment plus `env`, and
    runs as the sandbox's user. A render (`render` or a `sandbox`) also gets the memory limit."""
    tool = os.path.basename(args[0])
    # Argo CD caps generated manifests too (ARGOCD_GRPC_MAX_SIZE_MB).
    max_output = max_output or LIMITS.tool_output_bytes
    tool_limit = float(LIMITS.tool_timeout_seconds)
    limit, by_deadline = _budget(tool_limit if timeout is None else min(timeout, tool_limit))
    memory = LIMITS.tool_memory_bytes if render or sandbox is not None else None
    if limit <= 0:
        raise CommandError(tool, "not started: the run's time limit expired")
    try:
        proc = _start(args, cwd, env, sandbox, memory)
    except FileNotFoundError:
        hint = INSTALL_HINTS.get(tool, "")
        raise CommandError(tool, f"not installed (not found on PATH){hint}") from None
    except PermissionError:
        if sandbox is None or sandbox.uid is None:
            raise
        raise CommandError(
            tool,
            f"cannot be run by the render user (uid {sandbox.uid}): permission denied on the "
            "binary or a directory on its way; install it where every user may run it",
        ) from None
    with _lock:
        _groups.add(proc.pid)
    try:
        until = time.monotonic() + limit
        stdout, stderr_bytes, stopped = _collect(proc, stdin, until, max_output)
        if stopped:
            _kill_group(proc.pid)
        try:
            proc.wait(timeout=max(until - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            # It closed its output but went on running.
            stopped = stopped or "timeout"
            _kill_group(proc.pid)
            proc.wait()
    finally:
        # Whatever the tool started in its session goes with it.
        _kill_group(proc.pid)
        with _lock:
            _groups.discard(proc.pid)
        for pipe in (proc.stdout, proc.stderr):
            if pipe:
                pipe.close()
    if stopped == "timeout":
        what = "the run's time limit expired" if by_deadline else f"timed out after {limit:g} s"
        raise CommandError(tool, what)
    if stopped == "output":
        raise CommandError(
            tool, f"output exceeds the limit of {max_output:,} bytes (killed; see docs/security.md)"
        )
    stderr = stderr_bytes.decode("utf-8", "replace")
    if proc.returncode not in ok_codes and memory and _ran_out_of_memory(stderr):
        raise CommandError(
            tool,
            f"ran out of its memory limit of {memory // MIB:,} MiB "
            "(ARGODIFF_MAX_TOOL_MEMORY; see docs/security.md)",
        )
    if proc.returncode not in ok_codes:
        message = trim(stderr) or trim(stdout.decode("utf-8", "replace"))
        raise CommandError(tool, message or f"exited with status {proc.returncode}")
    return Result(stdout=stdout, stderr=stderr)


def _ran_out_of_memory(stderr: str) -> bool:
    head = stderr[:4096].lower()
    return any(sign in head for sign in _OUT_OF_MEMORY)
