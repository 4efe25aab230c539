"""The results JSON: write and read a run (`argodiff app --output json`)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped,unused-ignore]

from argodiff.errors import ArgodiffError
from argodiff.model import (
    AppResult,
    AppStatus,
    Change,
    Comparison,
    Lifecycle,
    RenderedBy,
    ResourceDiff,
    ResourceKey,
    RunResult,
    Side,
    SideKind,
)
from argodiff.report.catalogue import EN
from argodiff.report.escape import short_sha
from argodiff.report.i18n import compared_text

SCHEMA_VERSION = 1


def to_dict(run: RunResult) -> dict[str, Any]:
    return {
        "schemaVersion": SCHEMA_VERSION,
        "mode": run.mode,
        "server": run.server,
        "revision": run.revision,
        "base": run.base,
        "notices": list(run.notices),
        "apps": [_app_to_dict(a) for a in run.apps],
    }


def _app_to_dict(app: AppResult) -> dict[str, Any]:
    return {
        "name": app.name,
        "status": app.status.value,
        "error": app.error,
        "namespace": app.namespace,
        "project": app.project,
        "syncStatus": app.sync_status,
        "healthStatus": app.health_status,
        "url": app.url,
        "compared": compared_text(app, EN, short_sha),
        **({"comparison": _comparison_to_dict(app.comparison)} if app.comparison else {}),
        "lifecycle": app.lifecycle.value,
        "diffMode": app.diff_mode,
        "file": app.file,
        "warnings": list(app.warnings),
        **({"applicationSet": app.application_set} if app.application_set else {}),
        "counts": {c.value: app.count(c) for c in Change},
        "resources": [
            {
                "group": r.key.group,
                "kind": r.key.kind,
                "namespace": r.key.namespace,
                "name": r.key.name,
                "change": r.change.value,
                "diff": r.diff,
                "paths": list(r.paths),
                "notes": list(r.notes),
            }
            for r in app.resources
        ],
    }


def _side_to_dict(side: Side) -> dict[str, str]:
    return {"kind": side.kind.value, "revision": side.revision, "ref": side.ref}


def _comparison_to_dict(what: Comparison) -> dict[str, Any]:
    return {
        "mode": what.mode,
        "from": _side_to_dict(what.before),
        "to": _side_to_dict(what.after),
        "renderedBy": what.rendered_by.value,
    }


def _side_from_dict(d: dict[str, Any]) -> Side:
    return Side(SideKind(d["kind"]), str(d.get("revision") or ""), str(d.get("ref") or ""))


def _comparison_from_dict(d: Any) -> Comparison | None:
    """The facts, or None when absent or not understood (a newer or a hand-made file): the
    report then shows the `compared` words instead."""
    try:
        return Comparison(
            mode=str(d.get("mode") or ""),
            before=_side_from_dict(d["from"]),
            after=_side_from_dict(d["to"]),
            rendered_by=RenderedBy(d["renderedBy"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _lifecycle(value: Any) -> Lifecycle:
    try:
        return Lifecycle(value or Lifecycle.EXISTING.value)
    except ValueError:
        return Lifecycle.EXISTING


def dumps(run: RunResult) -> str:
    return json.dumps(to_dict(run), indent=2, ensure_ascii=False) + "\n"


def from_dict(data: Any, *, source: str = "results") -> RunResult:
    """Read a results document; raise ArgodiffError naming `source` when it is malformed."""
    try:
        apps = [_app_from_dict(a) for a in data["apps"]]
        return RunResult(
            apps=apps,
            mode=str(data.get("mode") or ""),
            server=str(data.get("server") or ""),
            revision=str(data.get("revision") or ""),
            base=str(data.get("base") or ""),
            notices=[str(n) for n in data.get("notices") or []],
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ArgodiffError(f"{source}: not an argodiff results file ({exc!r})") from None


def _app_from_dict(d: dict[str, Any]) -> AppResult:
    return AppResult(
        name=str(d["name"]),
        status=AppStatus(d["status"]),
        error=d.get("error"),
        namespace=str(d.get("namespace") or ""),
        project=str(d.get("project") or ""),
        sync_status=str(d.get("syncStatus") or ""),
        health_status=str(d.get("healthStatus") or ""),
        url=str(d.get("url") or ""),
        compared=str(d.get("compared") or ""),
        comparison=_comparison_from_dict(d.get("comparison")),
        lifecycle=_lifecycle(d.get("lifecycle")),
        diff_mode=str(d.get("diffMode") or ""),
        file=str(d.get("file") or ""),
        warnings=[str(w) for w in d.get("warnings") or []],
        application_set=str(d.get("applicationSet") or ""),
        resources=[
            ResourceDiff(
                key=ResourceKey(
                    str(r.get("group") or ""),
                    str(r["kind"]),
                    str(r.get("namespace") or ""),
                    str(r["name"]),
                ),
                change=Change(r["change"]),
                diff=str(r.get("diff") or ""),
                paths=[str(p) for p in r.get("paths") or []],
                notes=[str(n) for n in r.get("notes") or []],
            )
            for r in d.get("resources") or []
        ],
    )


def load(path: Path) -> RunResult:
    """A results file, checked against the published schema (argodiff/schema): a fork's
    results file is untrusted input."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArgodiffError(f"{path}: cannot read results ({exc})") from None
    validate(data, source=str(path))
    return from_dict(data, source=str(path))


SCHEMA_FILE = Path(__file__).parent / "schema" / "results.schema.json"


@functools.cache
def _validator() -> Any:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def validate(data: Any, *, source: str) -> None:
    """ArgodiffError naming `source` and the first field that breaks the schema."""
    if isinstance(data, dict) and data.get("schemaVersion") != SCHEMA_VERSION:
        raise ArgodiffError(
            f"{source}: not an argodiff results file: schemaVersion "
            f"{data.get('schemaVersion')!r} is not one this argodiff "
            f"reads ({SCHEMA_VERSION})"
        )
    error = jsonschema.exceptions.best_match(_validator().iter_errors(data))
    if error is not None:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        raise ArgodiffError(
            f"{source}: not an argodiff results file: {where.lstrip('.') or '(top)'}: "
            f"{error.message[:300]}"
        )


def merge(runs: list[RunResult]) -> RunResult:
    """Several result files (shards, or the two jobs of a fork workflow) as one run."""
    if not runs:
        return RunResult()
    first = runs[0]
    merged = RunResult(
        mode=first.mode, server=first.server, revision=first.revision, base=first.base
    )
    seen: set[str] = set()
    for run in runs:
        for note in run.notices:
            if note not in merged.notices:
                merged.notices.append(note)
        for app in run.apps:
            if app.name not in seen:
                seen.add(app.name)
                merged.apps.append(app)
    merged.apps.sort(key=lambda a: a.name)
    return merged
