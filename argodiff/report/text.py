"""The terminal report: each app's header, its resources' unified diffs, then a one-line summary."""

from __future__ import annotations

import re
from collections.abc import Callable

import click

from argodiff.messages import translate
from argodiff.model import AppResult, AppStatus, ResourceDiff, RunResult
from argodiff.report.appsets import grouped, heading
from argodiff.report.catalogue import Strings, strings
from argodiff.report.escape import host, short_sha, visible
from argodiff.report.i18n import change_counts, compared_text, comparison
from argodiff.report.i18n import summary_line as summary_of

# Control characters (ESC above all) would let a manifest drive the terminal; show them as the
# Unicode "control pictures" instead (C1 controls, such as the one-byte CSI, as U+FFFD). Tab and
# newline stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match[0])
    return chr(0x2400 + code) if code < 0x20 else "\u2421" if code == 0x7F else "\ufffd"


def _printable(text: str) -> str:
    # Bidi overrides and invisible characters are shown as `\uXXXX`, as in the markdown.
    return visible(_CONTROL.sub(_picture, text))


Style = Callable[..., str]


def _plain(text: str, **_: object) -> str:
    return text


def _diff_lines(diff: str, style: Style) -> list[str]:
    """Argo CD's `=====` header and `@@` hunks cyan, `+` green, `-` red (git's colours)."""
    out = []
    in_hunk = False
    for line in _printable(diff).rstrip("\n").split("\n"):
        if line.startswith("=====") or line.startswith("@@"):
            in_hunk = line.startswith("@@")
            out.append(style(line, fg="cyan"))
        elif not in_hunk and line.startswith(("--- ", "+++ ")):
            out.append(style(line, bold=True))
        elif line.startswith("+"):
            out.append(style(line, fg="green"))
        elif line.startswith("-"):
            out.append(style(line, fg="red"))
        else:
            out.append(line)
    return out


def _resource(res: ResourceDiff, style: Style, s: Strings) -> list[str]:
    if res.diff.strip():
        lines = _diff_lines(res.diff, style)
    else:
        lines = [style(res.key.header(), fg="cyan")]
    if res.paths:
        lines.append(f"  {s.text_changed}: {_printable(', '.join(res.paths))}")
    lines += [f"  {s.text_note}: {_printable(translate(n, s.lang))}" for n in res.notes]
    return lines


def _app(app: AppResult, style: Style, s: Strings) -> list[str]:
    status = s.results[app.status]
    if app.status is AppStatus.CHANGED and app.lifecycle.value != "existing":
        status = s.lifecycles[app.lifecycle]
    facts = [f"{app.name} [{status.upper() if app.status is AppStatus.ERROR else status}]"]
    if app.sync_status or app.health_status:
        facts.append(f"{app.sync_status or '?'}/{app.health_status or '?'}")
    if what := compared_text(app, s, short_sha):
        facts.append(what)
    if app.diff_mode:
        facts.append(f"{s.text_diff}: {app.diff_mode}")
    if app.resources:
        facts.append(change_counts(app, s))
    color = {AppStatus.ERROR: "red", AppStatus.CHANGED: "yellow"}.get(app.status)
    lines = [style(_printable(" | ".join(facts)), bold=True, fg=color)]
    if app.file and app.status in (AppStatus.CHANGED, AppStatus.ERROR):
        lines.append(f"  {s.text_file}: {_printable(app.file)}")
    if app.status is AppStatus.ERROR:
        message = _printable(translate(app.error or "", s.lang)).split("\n")
        lines += [style(f"  {s.text_error}: {line}", fg="red") for line in message]
    elif app.status is AppStatus.SKIPPED and app.error:
        lines.append(f"  {s.text_skipped}: {_printable(translate(app.error, s.lang))}")
    warnings = [translate(w, s.lang).replace("\n", " ") for w in app.warnings]
    lines += [style(f"  {s.text_warning}: {_printable(w)}", fg="yellow") for w in warnings]
    for res in app.resources:
        lines += _resource(res, style, s)
    return lines


def render_text(run: RunResult, *, color: bool = False, lang: str = "en") -> str:
    """The report for a terminal or a log; `color` adds ANSI colours (NO_COLOR is the caller's).
    Diffs keep the argocd CLI's form (`=====` header, `--- live`/`+++ predicted`)."""
    s = strings(lang)
    style: Style = click.style if color else _plain
    lines = [
        style(f"!!! {s.text_notice}: {_printable(translate(n, lang))}", fg="red", bold=True)
        for n in run.notices
    ]
    what = comparison(run, s, short_sha)
    if what or run.server:
        via = f" ({s.text_via} {host(run.server)})" if run.server else ""
        lines.append(_printable(f"{s.text_compared}: {what}{via}"))
    quiet: dict[str, list[str]] = {}
    for appset, apps in grouped(run.apps):
        shown = [a for a in apps if a.status is not AppStatus.SKIPPED or a.error]
        if appset and shown:
            lines += ["", style(_printable(heading(appset, len(shown))), bold=True)]
        for app in apps:
            if app.status is AppStatus.SKIPPED and not app.error:
                # Apps the change does not touch: one line per reason, not one block per app.
                reason = translate(app.compared, lang) or s.results[app.status]
                quiet.setdefault(reason, []).append(app.name)
                continue
            lines += ["", *_app(app, style, s)]
    for reason, names in quiet.items():
        lines += ["", _printable(f"{s.text_skipped} ({reason}): {', '.join(names)}")]
    if any(a.diff_mode and a.status is AppStatus.CHANGED for a in run.apps):
        lines += ["", _printable(s.text_diff_legend)]
    lines += ["", style(summary_of(run, s), bold=True)]
    return "\n".join(lines) + "\n"
