"""Offline comparisons: both sides rendered locally, source by source.

A remote source (a Helm chart repository, or another git repository) that cannot be reached
from here is left out of BOTH sides when its definition and the value files it reads are the
same on both: it would render the same objects twice, so it cannot change the diff. That is
said in the app's warnings. Any other failure, above all of a source in this repository, is
the app's error: its files may well have changed.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from argodiff import messages
from argodiff.errors import AppError
from argodiff.model import Application, Manifest, Source
from argodiff.render import Renderer


@dataclasses.dataclass
class Rendered:
    live: list[Manifest]
    targets: list[Manifest]
    warnings: list[str]


def _only(app: Application, index: int) -> Application:
    """The app with one source to render (ref sources kept for `$ref/...` value files)."""
    keep = [s for i, s in enumerate(app.sources) if i == index or s.is_ref_only]
    return dataclasses.replace(app, sources=keep)


def _value_files(app: Application, source: Source, root: Path) -> list[bytes | None]:
    """The bytes of every value file a Helm source reads (None for a missing file)."""
    files = (source.helm or {}).get("valueFiles") or []
    refs = {f"${s.ref}" for s in app.sources if s.ref}
    out: list[bytes | None] = []
    for entry in files:
        name, _, rest = str(entry).partition("/")
        path = root / rest if name in refs else root / (source.path or ".") / str(entry)
        try:
            out.append(path.read_bytes())
        except OSError:
            out.append(None)
    return out


def _try(renderer: Renderer, app: Application) -> list[Manifest] | AppError:
    try:
        return renderer.render(app)
    except AppError as exc:
        return exc


def render_pair(
    base: Renderer, head: Renderer, base_app: Application | None, head_app: Application | None
) -> Rendered:
    """Base renders as the "live" side, head as the target side."""
    if base_app is None or head_app is None or len(base_app.sources) != len(head_app.sources):
        return Rendered(
            live=base.render(base_app) if base_app else [],
            targets=head.render(head_app) if head_app else [],
            warnings=[],
        )
    out = Rendered([], [], [])
    for index, (old, new) in enumerate(zip(base_app.sources, head_app.sources, strict=True)):
        if old.is_ref_only and new.is_ref_only:
            continue
        live = _try(base, _only(base_app, index))
        targets = _try(head, _only(head_app, index))
        if isinstance(live, list) and isinstance(targets, list):
            out.live += live
            out.targets += targets
            continue
        failure = targets if isinstance(targets, AppError) else live
        assert isinstance(failure, AppError)
        remote = bool(new.chart) or not head.identity.is_local(new, head.repo_root)
        same = old == new and _value_files(base_app, old, base.repo_root) == _value_files(
            head_app, new, head.repo_root
        )
        if not (remote and same):
            raise failure
        out.warnings.append(
            messages.SOURCE_NOT_RENDERED(
                n=index + 1, what=new.chart or new.path or new.repo_url, detail=failure.detail()
            )
        )
    return out
