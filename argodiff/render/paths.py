"""Repository-relative paths made safe: nothing a manifest names may escape the checkout."""

from __future__ import annotations

import tempfile
from pathlib import Path

from argodiff import sandbox
from argodiff.errors import RenderError


def inside(root: Path, rel: str, *, what: str, file: str = "", base: Path | None = None) -> Path:
    """`base/rel` (base defaults to `root`), resolved; RenderError when it leaves `root`
    (Argo CD refuses such paths too)."""
    top = root.resolve()
    # Argo CD treats an absolute path as relative to the repository root (pathutil.ResolveFilePath).
    if rel.startswith("/"):
        path = (top / rel.lstrip("/")).resolve()
    else:
        path = ((base or root).resolve() / rel).resolve()
    if path != top and top not in path.parents:
        raise RenderError(f"{what} {rel!r} points outside the repository", file=file or rel)
    return path


def existing(root: Path, rel: str, *, what: str, file: str = "", base: Path | None = None) -> Path:
    """Like `inside`, and the path must exist."""
    path = inside(root, rel, what=what, file=file, base=base)
    if not path.exists():
        raise RenderError(f"{what} {rel!r} does not exist", file=file or rel)
    return path


def relative(path: Path, root: Path) -> str:
    """`path` relative to `root` for messages (the absolute path when it is elsewhere)."""
    for p, r in ((path, root), (path.resolve(), root.resolve())):
        try:
            return p.relative_to(r).as_posix() or "."
        except ValueError:
            continue
    return str(path)


def fresh_dir(parent: Path, prefix: str = "") -> Path:
    """A new, empty directory under `parent`: Renderers may share a work directory and run at
    the same time, so nothing is written to a predictable path."""
    parent.mkdir(parents=True, exist_ok=True)
    return sandbox.hand_over(Path(tempfile.mkdtemp(dir=parent, prefix=prefix)))
