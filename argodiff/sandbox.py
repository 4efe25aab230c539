"""Who renders, and with what: rendering tools run a pull request's templates, so they get no
credential. Their environment holds only what they need (PATH, a HOME, XDG and Helm directories
of their own), and when argodiff runs as root (the action's container) they run as the
unprivileged user 65534: `/proc/1/environ` (the action's inputs, the Argo CD token among them),
argodiff's own `/proc/<pid>/environ` and root-only files are then out of their reach, whatever
a template asks for. As any other user (a laptop), renders run as that user."""

from __future__ import annotations

import functools
import os
import stat
import tempfile
from pathlib import Path

from argodiff.command import Sandbox
from argodiff.errors import ArgodiffError, ConfigError

RENDER_UID = 65534
"""`nobody`: owns nothing argodiff or the runner holds."""
RENDER_GID = 65534
SAFE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
"""The tools' own PATH (argodiff finds their binaries on its PATH first)."""


def maps(id_map: str, ident: int) -> bool:
    """Whether a `/proc/self/uid_map` (or gid_map) text holds `ident`: each line maps a
    range, `first-inside first-outside count`."""
    for line in id_map.splitlines():
        first, _outside, count = (int(word) for word in line.split())
        if first <= ident < first + count:
            return True
    return False


@functools.cache
def _in_namespace(kind: str, ident: int) -> bool:
    # A namespace's maps are written once, before anything runs in it: read them once.
    try:
        return maps(Path(f"/proc/self/{kind}_map").read_text(encoding="ascii"), ident)
    except OSError:
        return True  # no user namespaces to ask (not Linux): every id exists


def switches_user() -> bool:
    """Whether renders run as RENDER_UID: only root may switch, and only root needs to.

    Root in a user namespace that lacks the render user (a rootless container mapping one
    uid) cannot switch, and a render as root would reach the credentials: that is refused,
    with what to do, rather than rendered unprotected."""
    if os.geteuid() != 0:
        return False
    if not (_in_namespace("uid", RENDER_UID) and _in_namespace("gid", RENDER_GID)):
        raise ConfigError(
            f"argodiff runs as root, but this user namespace has no uid/gid {RENDER_UID} to run"
            " renders as, and a render as root could read the credentials: run argodiff as a"
            f" non-root user, or map uid and gid {RENDER_UID} into the namespace"
        )
    return True


def _reachable(path: Path) -> bool:
    """Whether anyone may traverse every directory from `/` down to `path`."""
    try:
        return all(p.stat().st_mode & stat.S_IXOTH for p in (path, *path.parents))
    except OSError:
        return False


def scratch_parent() -> str | None:
    """Where trees and work directories for renders go (None: the system's default). When
    renders switch user, it must be a directory that user can reach: TMPDIR may be private
    (a CI temp directory, pytest's), then /tmp or /var/tmp serve."""
    default = tempfile.gettempdir()
    if not switches_user():
        return None
    for candidate in (default, "/tmp", "/var/tmp", "/dev/shm"):
        if _reachable(Path(candidate)) and os.access(candidate, os.W_OK):
            return candidate
    raise ArgodiffError(
        f"no temporary directory the render user (uid {RENDER_UID}) can reach; set TMPDIR "
        "to one whose every parent is world-searchable"
    )


def hand_over(path: Path, *, recursive: bool = False) -> Path:
    """Make `path` (a directory argodiff created) usable by the render user: owned by it when
    renders switch user, and readable by anyone (never the checkout itself)."""
    paths = [path]
    if recursive:
        paths += [Path(d, n) for d, dirs, files in os.walk(path) for n in (*dirs, *files)]
    switch = switches_user()
    for p in paths:
        if p.is_symlink():
            continue
        if switch:
            os.chown(p, RENDER_UID, RENDER_GID)
        if p.is_dir():
            p.chmod(0o755)
    return path


def tool_sandbox(work_dir: Path, tool_env: dict[str, str] | None = None) -> Sandbox:
    """The Sandbox for renders whose scratch space is `work_dir`: HOME, XDG and TMPDIR inside
    it (owned by the render user), plus `tool_env` (e.g. Helm's own homes)."""
    home = work_dir / "home"
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    hand_over(home, recursive=True)
    env = {
        "PATH": SAFE_PATH,
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "TMPDIR": str(home / "tmp"),
        **(tool_env or {}),
    }
    switch = switches_user()
    return Sandbox(env=env, uid=RENDER_UID if switch else None, gid=RENDER_GID if switch else None)
