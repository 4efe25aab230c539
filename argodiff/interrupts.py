"""Ctrl-C and SIGTERM: one line, exit 130 or 143, children stopped, checkouts removed.

The signal handler stops every process argodiff started (helm, kustomize, git, however deep)
and raises Interrupted in the main thread. It is a BaseException, so no `except Exception`
turns it into an app's error and Click does not print `Aborted!`; on its way up, every `finally`
and `with` block runs, which removes the temporary git worktrees and render directories.
"""

from __future__ import annotations

# Only what the interpreter has loaded already (signal brings enum): this module is imported
# first thing, and a Ctrl-C before its handler is installed would show a traceback.
import atexit
import os
import signal
import sys
from collections.abc import Callable
from types import FrameType

from argodiff.exitcodes import ExitStatus

_NAMES = {signal.SIGINT: "interrupted (Ctrl-C)", signal.SIGTERM: "terminated (SIGTERM)"}
_CODES = {signal.SIGINT: ExitStatus.INTERRUPTED, signal.SIGTERM: ExitStatus.TERMINATED}


class Interrupted(BaseException):
    """The user (Ctrl-C) or the runner (SIGTERM, a cancelled job) stopped argodiff."""

    def __init__(self, signum: int) -> None:
        self.signum = signal.Signals(signum)
        super().__init__(_NAMES[self.signum])

    @property
    def status(self) -> ExitStatus:
        return _CODES[self.signum]


def _on_signal(signum: int, frame: FrameType | None) -> None:
    # One stop at a time: a second Ctrl-C must not cut the cleanup short (SIGKILL still works).
    # Not SIG_IGN: a tool started meanwhile would inherit it and shrug off stop_children().
    for sig in _NAMES:
        signal.signal(sig, _once_is_enough)
    stop_children()
    raise Interrupted(signum)


def _once_is_enough(signum: int, frame: FrameType | None) -> None:
    """A second Ctrl-C while cleaning up: the first one is being handled."""


def install() -> None:
    """Handle SIGINT and SIGTERM in the main thread (a signal already ignored stays ignored,
    as for a job started in the background)."""
    for sig in _NAMES:
        if signal.getsignal(sig) is not signal.SIG_IGN:
            signal.signal(sig, _on_signal)


def descendants(root: int) -> list[int]:
    """Every process below `root` (Linux /proc; elsewhere none are known)."""
    children: dict[int, list[int]] = {}
    try:
        pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as stat:
                # `pid (comm) state ppid …`: comm may hold spaces and parentheses.
                fields = stat.read().rpartition(")")[2].split()
            children.setdefault(int(fields[1]), []).append(pid)
        except (OSError, ValueError, IndexError):
            continue
    found: list[int] = []
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def stop_children() -> None:
    """SIGTERM every process argodiff started, and theirs; then the tools' own sessions, which
    also hold what a tool started and left behind (argodiff.command tracks them)."""
    for pid in descendants(os.getpid()):
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            continue  # gone already
    command = sys.modules.get("argodiff.command")  # not imported here: this module loads first
    # Possibly half imported (the signal came while it loaded): then it started nothing yet.
    kill_all = getattr(command, "kill_all", None)
    if callable(kill_all):
        kill_all()


def _say(line: str) -> None:
    # Not contextlib.suppress: contextlib is not loaded yet this early (see the imports).
    for write in (sys.stdout.flush, lambda: sys.stderr.write(line), sys.stderr.flush):
        try:
            write()
        except (OSError, ValueError):
            continue  # a closed pipe: the next step may still work


def exit_on_interrupt(body: Callable[[], None]) -> None:
    """Run `body`; when interrupted, say so in one line and exit 130 (SIGINT) or 143 (SIGTERM)."""
    try:
        try:
            body()
            code = 0
        except SystemExit as done:
            code = _exit_code(done)
        # CPython puts SIGINT's default action back while it shuts down (_PySignal_Fini), so a
        # Ctrl-C in that window would kill argodiff by the signal instead of exiting 130. The
        # exit hooks (children's process groups, temporary directories) run here, under the
        # handler, and the process then ends without that window.
        atexit._run_exitfuncs()
        _say("")
    except Interrupted as stop:
        stop_children()  # any started while the main thread was cleaning up
        _say(f"argodiff: {stop}\n")
        # Worker threads may still wait on Argo CD: do not wait for them.
        os._exit(stop.status)
    os._exit(code)


def _exit_code(done: SystemExit) -> int:
    """The status `sys.exit(x)` asks for, as the interpreter would compute it."""
    if done.code is None:
        return 0
    if isinstance(done.code, int):
        return done.code
    _say(f"{done.code}\n")
    return 1
