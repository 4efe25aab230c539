"""The markdown report as a document tree: what every markdown output (whole, split, cut) shows."""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from dataclasses import dataclass

from tabulate import tabulate

from argodiff.messages import translate
from argodiff.model import AppResult, AppStatus, Change, Lifecycle, ResourceDiff, RunResult
from argodiff.report.appsets import grouped, heading, ordered
from argodiff.report.catalogue import Strings
from argodiff.report.escape import host, html_text, md, safe_url, short_sha, visible
from argodiff.report.fence import fence_run
from argodiff.report.i18n import (
    CHANGES,
    change_counts,
    compared_text,
    comparison,
    summary_line,
)
from argodiff.report.layout import Frame, Node
from argodiff.report.sizes import hunks, line_counts, title_of

RESULT_EMOJI = {
    AppStatus.CHANGED: "📝",
    AppStatus.UNCHANGED: "✅",
    AppStatus.ERROR: "❌",
    AppStatus.SKIPPED: "⏭️",
}
LIFECYCLE_EMOJI = {Lifecycle.NEW: "🆕", Lifecycle.DELETED: "🗑️"}
CHANGE_EMOJI = {Change.ADDED: "➕", Change.MODIFIED: "✏️", Change.REMOVED: "➖"}
SYNC_EMOJI = {"Synced": "✅", "OutOfSync": "⚠️"}
HEALTH_EMOJI = {
    "Healthy": "💚",
    "Progressing": "🔄",
    "Degraded": "💔",
    "Suspended": "⏸️",
    "Missing": "👻",
    "Unknown": "❓",
}
MAX_PATHS = 20
NAME_LIMIT = 120
WRAP = 100
"""Error messages are wrapped to this many characters a line: readable at any width."""
LARGE_LINES = 100
"""A resource diff showing more lines than this goes to "Large diffs", after every small one."""
MAX_DIFF_LINES = 500


@dataclass(frozen=True)
class Options:
    """What the caller adds around the results: how the report is laid out, then what the
    footer links to, in the footer's order."""

    title: str = ""
    max_diff_lines: int = 0
    """Fold resource diffs longer than this (0: never)."""
    summary_whole: bool = True
    """The job summary holds every diff whole (it was not cut)."""
    head_sha: str = ""
    repo_url: str = ""
    """`https://github.com/OWNER/REPO`: commits and files link there."""
    run_url: str = ""
    artifact_url: str = ""
    """Where the results JSON can be downloaded (the run's artifacts)."""
    summary_hint: str = ""
    """URL of the full report (the job summary), when it is not the run page."""


def revision(rev: str) -> str:
    """A revision for markdown: a SHA as short code, anything else as escaped text."""
    short = short_sha(rev)
    return f"`{short}`" if short.isalnum() else md(short, NAME_LIMIT)


def _commit(sha: str, opts: Options) -> str:
    url = safe_url(f"{opts.repo_url}/commit/{sha}") if opts.repo_url and sha.isalnum() else None
    return f"[{revision(sha)}]({url})" if url else revision(sha)


def header(run: RunResult, s: Strings, opts: Options, part: str = "") -> str:
    """The title line and what was compared (repeated on every part)."""
    title = md(opts.title, NAME_LIMIT) if opts.title else s.title
    heading = f"## {title} · {part}" if part else f"## {title}"
    facts = []
    if what := comparison(run, s, revision):
        facts.append(f"**{s.compared}:** {what}")
    if run.server:
        facts.append(f"**{s.server}:** {md(host(run.server), NAME_LIMIT)}")
    return heading + "\n\n" + (" · ".join(facts) + "\n\n" if facts else "")


def footer(s: Strings, opts: Options, next_part: str = "") -> str:
    """A continuation note, then the commit, one link to the run and one to the results."""
    lines = [f"*{next_part}*\n\n"] if next_part else []
    facts = ["argodiff"]
    if opts.head_sha:
        facts.append(f"{s.commit} {_commit(opts.head_sha, opts)}")
    run_url = safe_url(opts.run_url)
    if run_url:
        facts.append(f"[{s.workflow_run}]({run_url})")
    if url := safe_url(opts.artifact_url):
        facts.append(f"[{s.results_artifact}]({url})")
    elif (url := safe_url(opts.summary_hint)) and url != run_url:
        facts.append(f"[{s.job_summary}]({url})")
    elif opts.summary_hint and not url:
        facts.append(md(opts.summary_hint))
    lines.append(f"<sub>{' · '.join(facts)}</sub>\n")
    return "".join(lines)


def _titled(heading: str, s: Strings) -> Frame:
    """A section heading, repeated with "(continued)" in a later part."""
    return Frame(f"### {heading}\n\n", "\n", f"### {heading} {s.continued}\n\n")


def _details(summary: str, s: Strings) -> Frame:
    """A collapsed block; `summary` must already be HTML-escaped."""
    return Frame(
        f"<details>\n<summary>{summary}</summary>\n\n",
        "\n</details>\n\n",
        f"<details>\n<summary>{summary} {s.continued}</summary>\n\n",
    )


def _code(text: str, info: str) -> Node:
    """`text` as a fenced block whose lines may be split across parts; bidi and invisible
    characters shown as `\\uXXXX`, so a line reads as it is (Trojan Source)."""
    text = visible(text)
    run = fence_run(text)
    lines = text.split("\n")
    if lines and not lines[-1]:
        lines.pop()
    return Node(Frame(f"{run}{info}\n", f"{run}\n"), code=True).add(*lines)


_HUNK = re.compile(r"(?m)^(?=@@)")


def _diff_block(diff: str) -> Node:
    """A diff in a fenced block; each hunk is a node that a later part reopens with its `@@`
    line, so a diff continued in the next comment starts with its hunk header. Bidi and
    invisible characters are shown as `\\uXXXX`, as in every code block. (Split with C-level
    string operations: megabytes of diff take milliseconds.)"""
    text = visible(diff)
    run = fence_run(text)
    node = Node(Frame(f"{run}diff\n", f"{run}\n"), code=True)
    for chunk in _HUNK.split(text):
        if not chunk:
            continue
        hunk_lines = chunk.removesuffix("\n").split("\n")
        if chunk.startswith("@@"):
            node.add(Node(Frame("", "", hunk_lines[0] + "\n"), code=True).add(*hunk_lines))
        else:
            node.add(*hunk_lines)
    return node


def _status(value: str, emoji: dict[str, str]) -> str:
    if not value:
        return "—"
    mark = emoji.get(value)
    return f"{mark} {md(value, 40)}" if mark else md(value, 40)


def _result(app: AppResult, s: Strings) -> str:
    if app.status is AppStatus.CHANGED and app.lifecycle in LIFECYCLE_EMOJI:
        return f"{LIFECYCLE_EMOJI[app.lifecycle]} {s.lifecycles[app.lifecycle]}"
    return f"{RESULT_EMOJI[app.status]} {s.results[app.status]}"


def _app_lines(app: AppResult) -> tuple[int, int]:
    counts = [line_counts(r.diff) for r in app.resources]
    return sum(a for a, _ in counts), sum(r for _, r in counts)


def _table(apps: list[AppResult], s: Strings) -> Node:
    """The summary table; its header is repeated in every part it continues into. Sync,
    health and Argo CD columns only where some app has them (never in offline runs)."""
    live = any(a.sync_status or a.health_status for a in apps)
    linked = any(safe_url(a.url) for a in apps)
    rows = []
    for app in apps:
        changed = app.status is AppStatus.CHANGED
        row = [md(app.name, NAME_LIMIT), _result(app, s)]
        if live:
            row += [_status(app.sync_status, SYNC_EMOJI), _status(app.health_status, HEALTH_EMOJI)]
        row += [str(app.count(c)) if changed else "—" for c in CHANGES]
        row.append(
            s.lines.format(added=_app_lines(app)[0], removed=_app_lines(app)[1]) if changed else "—"
        )
        if linked:
            url = safe_url(app.url)
            row.append(f"[↗]({url})" if url else "—")
        rows.append(row)
    headers = [s.table_app, s.table_result]
    if live:
        headers += [s.table_sync, s.table_health]
    headers += [*(s.changes[c].capitalize() for c in CHANGES), s.table_lines]
    if linked:
        headers.append(s.table_link)
    lines = tabulate(rows, headers, tablefmt="github", disable_numparse=True).split("\n")
    head = "\n".join(lines[:2]) + "\n"
    return Node(Frame(head, "\n")).add(*lines[2:])


def _where_whole(s: Strings, opts: Options) -> str:
    places = []
    if opts.summary_whole:
        url = safe_url(opts.summary_hint or opts.run_url)
        places.append(f"[{s.whole_in_summary}]({url})" if url else s.whole_in_summary)
    url = safe_url(opts.artifact_url)
    places.append(f"[{s.whole_in_artifact}]({url})" if url else s.whole_in_artifact)
    return s.list_sep.join(places)


def _resource_title(res: ResourceDiff, s: Strings, continued: bool = False) -> str:
    """`**✏️ ConfigMap monitoring/grafana** (modified, +120 −8)`: one parenthesis, which a
    continued title extends rather than doubling."""
    added, removed = line_counts(res.diff)
    what = md(title_of(res.key), 2 * NAME_LIMIT)
    facts = [s.changes[res.change], s.lines.format(added=added, removed=removed)]
    if continued:
        facts.append(s.continued.strip("()"))
    return f"**{CHANGE_EMOJI[res.change]} {what}** ({s.list_sep.join(facts)})"


def _resource(res: ResourceDiff, s: Strings, opts: Options) -> Node:
    title, again = _resource_title(res, s), _resource_title(res, s, continued=True)
    node = Node(Frame(f"{title}\n\n", "\n", f"{again}\n\n"), keep=True)
    if res.paths:
        # Escaped as one text: thousands of resources' paths in milliseconds.
        shown = md(", ".join(res.paths[:MAX_PATHS]), MAX_PATHS * NAME_LIMIT)
        if len(res.paths) > MAX_PATHS:
            shown += " " + s.more.format(n=len(res.paths) - MAX_PATHS)
        node.add(f"{s.changed_fields}: {shown}", "")
    body = hunks(res.diff).removesuffix("\n")
    if body:
        limit, total = opts.max_diff_lines, body.count("\n") + 1
        folding = 0 < limit < total
        node.add(_diff_block("\n".join(body.split("\n", limit)[:limit]) if folding else body), "")
        if folding:
            folded = s.folded.format(
                hidden=f"{total - limit:,}", total=f"{total:,}", where=_where_whole(s, opts)
            )
            node.add(f"*{folded}*", "")
    node.add(*(f"- {md(translate(note, s.lang))}" for note in res.notes))
    if not node.children:
        node.add(f"*{s.no_diff_text}*")
    return node


def _file_link(app: AppResult, opts: Options) -> str:
    url = None
    if opts.repo_url and opts.head_sha and app.file:
        url = safe_url(f"{opts.repo_url}/blob/{opts.head_sha}/{app.file}")
    return f"[{md(app.file)}]({url})" if url else md(app.file)


def _warning(text: str, s: Strings) -> list[str | Node]:
    """One short sentence; anything after its first line folded under "Details"."""
    first, _, rest = translate(text, s.lang).strip().partition("\n")
    out: list[str | Node] = [f"- ⚠️ **{s.warning}:** {md(first)}"]
    if rest.strip():
        block = Node(_details(s.details, s)).add(_code(rest.strip() + "\n", "text"))
        out += ["", block]
    return out


def _about(app: AppResult, s: Strings, opts: Options, usual: str) -> list[str | Node]:
    """What was compared (where it is not what most apps compared), the defining file, the
    Argo CD link and the warnings."""
    facts = []
    what = compared_text(app, s, revision)
    if what and what != usual:
        facts.append(f"**{s.compared}:** {what if app.comparison else md(what)}")
    if app.diff_mode:
        facts.append(f"**{s.diff_mode}:** {md(s.diff_modes.get(app.diff_mode, app.diff_mode))}")
    if app.file:
        facts.append(f"**{s.defined_in}:** {_file_link(app, opts)}")
    if url := safe_url(app.url):
        facts.append(f"[{s.open_in_argocd}]({url})")
    lines: list[str | Node] = [" · ".join(facts), ""] if facts else []
    for warning in app.warnings:
        lines += _warning(warning, s)
    return [*lines, ""] if app.warnings else lines


def _is_large(res: ResourceDiff) -> bool:
    added, removed = line_counts(res.diff)
    return added + removed > LARGE_LINES


def _summary(app: AppResult, s: Strings) -> str:
    name = html_text(app.name, NAME_LIMIT)
    mark = LIFECYCLE_EMOJI.get(app.lifecycle, RESULT_EMOJI[app.status])
    facts = [change_counts(app, s)]
    if app.lifecycle in LIFECYCLE_EMOJI:
        facts.insert(0, s.lifecycles[app.lifecycle])
    added, removed = _app_lines(app)
    facts.append(s.lines.format(added=added, removed=removed))
    return f"{mark} <b>{name}</b> — {html_text(' · '.join(f for f in facts if f))}"


def _changed(app: AppResult, s: Strings, opts: Options, usual: str) -> Node:
    node = Node(_details(_summary(app, s), s), keep=True, tag=app.name)
    node.add(*_about(app, s, opts, usual))
    small = [r for r in app.resources if not _is_large(r)]
    large = [r for r in app.resources if _is_large(r)]
    node.add(*(_resource(r, s, opts) for r in small))
    if large:
        names = s.list_sep.join(md(title_of(r.key), 2 * NAME_LIMIT) for r in large)
        node.add(f"*{s.large_moved.format(names=names)}*", "")
    return node if node.children else node.add(f"*{s.no_diff_text}*")


def _large(app: AppResult, s: Strings, opts: Options) -> Node | None:
    large = [r for r in app.resources if _is_large(r)]
    if not large:
        return None
    node = Node(_details(_summary(app, s), s), keep=True, tag=app.name)
    return node.add(*(_resource(r, s, opts) for r in large))


def cause_of(message: str) -> str:
    """The innermost cause of a chained `a: b: c` error: its last line's last two segments."""
    last = next((ln for ln in reversed(message.strip().split("\n")) if ln.strip()), "")
    parts = [p for p in last.split(": ") if p.strip()]
    return ": ".join(parts[-2:]) if len(parts) > 2 else last


def wrapped(message: str, width: int = WRAP) -> str:
    """Every line at most `width` characters, broken at spaces where it can be."""
    out = []
    for line in message.split("\n"):
        out += textwrap.wrap(line, width, break_on_hyphens=False, replace_whitespace=False) or [""]
    return "\n".join(out)


def _error(app: AppResult, s: Strings, opts: Options) -> Node:
    facts = [f"**❌ {md(app.name, NAME_LIMIT)}**"]
    if app.file:
        facts.append(_file_link(app, opts))
    if url := safe_url(app.url):
        facts.append(f"[{s.open_in_argocd}]({url})")
    title = " · ".join(facts)
    node = Node(Frame(f"{title}\n\n", "\n", f"{title} {s.continued}\n\n"), keep=True, tag=app.name)
    message = translate(app.error or "", s.lang) or s.no_message
    cause = cause_of(message)
    # The cause first, where the eye lands; then the whole message, wrapped.
    shown = message if cause == message.strip() else f"{s.cause}: {cause}\n\n{message}"
    return node.add(_code(wrapped(shown) + "\n", "text"))


def _unchanged(apps: list[AppResult], s: Strings) -> Node:
    """Names only, comma-separated, folded; the warnings of unchanged apps (a Secret whose
    value change Argo CD's masking hides, say) stay visible below the fold."""
    summary = f"{RESULT_EMOJI[AppStatus.UNCHANGED]} {s.unchanged.format(n=len(apps))}"
    names = [md(a.name, NAME_LIMIT) + "," for a in apps]
    names[-1] = names[-1][:-1]
    node = Node(tag=s.unchanged.format(n=len(apps)))
    node.add(Node(_details(summary, s)).add(*names))
    warned = [
        f"- ⚠️ **{md(a.name, NAME_LIMIT)}:** {md(translate(w, s.lang).partition(chr(10))[0])}"
        for a in apps
        for w in a.warnings
    ]
    return node.add(*warned, "") if warned else node


def _skipped(apps: list[AppResult], s: Strings) -> Node:
    """Apps grouped by the reason they were skipped."""
    summary = f"{RESULT_EMOJI[AppStatus.SKIPPED]} {s.skipped.format(n=len(apps))}"
    reasons: dict[str, list[str]] = {}
    for app in apps:
        reason = app.error or app.compared or "; ".join(app.warnings)
        reasons.setdefault(translate(reason, s.lang), []).append(md(app.name, NAME_LIMIT))
    lines = [
        f"- {', '.join(names)}" + (f": {md(reason)}" if reason else "")
        for reason, names in reasons.items()
    ]
    return Node(_details(summary, s), tag=s.skipped.format(n=len(apps))).add(*lines)


def _usual(apps: list[AppResult], s: Strings) -> str:
    """What most apps compared: said once for the run, per app only where it differs."""
    said = Counter(compared_text(a, s, revision) for a in apps)
    return said.most_common(1)[0][0] if said else ""


def body(run: RunResult, s: Strings, opts: Options | None = None) -> Node:
    """Notices; the summary table (errors first); errors; changed apps by name, each with its
    small diffs; then large diffs, unchanged and skipped apps."""
    opts = opts or Options()
    root = Node()
    if run.notices:
        alert = Node(Frame("> [!WARNING]\n", "\n"))
        # Notices are what a reader must see: every line of each, none folded.
        notes = [ln for n in run.notices for ln in translate(n, s.lang).split("\n") if ln.strip()]
        root.add(alert.add(*(f"> - **{md(n)}**" for n in notes)))
    by = {
        status: ordered(sorted((a for a in run.apps if a.status is status), key=lambda a: a.name))
        for status in AppStatus
    }
    if not run.apps:
        return root.add(s.no_apps)
    if len(by[AppStatus.UNCHANGED]) == len(run.apps):
        root.add(f"✅ **{s.no_changes.format(n=len(run.apps))}**", "")
        return root.add(_unchanged(by[AppStatus.UNCHANGED], s))
    root.add(f"**{summary_line(run, s)}**", "")
    listed = by[AppStatus.ERROR] + by[AppStatus.CHANGED]
    if listed:
        root.add(_table(listed, s))
    if by[AppStatus.ERROR]:
        errors = Node(_titled(f"❌ {s.errors}", s))
        root.add(errors.add(*(_error(a, s, opts) for a in by[AppStatus.ERROR])))
    if by[AppStatus.CHANGED]:
        usual = _usual(by[AppStatus.CHANGED], s)
        changed = Node(_titled(f"📝 {s.changed_apps}", s))
        for appset, apps in grouped(by[AppStatus.CHANGED]):
            if appset:
                changed.add(f"**{md(heading(appset, len(apps)), NAME_LIMIT)}**", "")
            changed.add(*(_changed(a, s, opts, usual) for a in apps))
        root.add(changed)
        if any(a.diff_mode for a in by[AppStatus.CHANGED]):
            root.add(f"<sub>{s.diff_legend}</sub>", "")
        large = [n for a in by[AppStatus.CHANGED] if (n := _large(a, s, opts))]
        if large:
            root.add(Node(_titled(f"📦 {s.large_diffs}", s)).add(*large))
    if by[AppStatus.UNCHANGED]:
        root.add(_unchanged(by[AppStatus.UNCHANGED], s))
    if by[AppStatus.SKIPPED]:
        root.add(_skipped(by[AppStatus.SKIPPED], s))
    return root
