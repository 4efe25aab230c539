"""The markdown report as a document tree: what every markdown output (whole, split, cut) shows."""

from __future__ import annotations

from dataclasses import dataclass

from tabulate import tabulate

from argodiff.model import AppResult, AppStatus, Change, ResourceDiff, RunResult
from argodiff.report.escape import host, html_text, md, safe_url, short_sha, visible
from argodiff.report.fence import fence_run
from argodiff.report.i18n import CHANGES, Strings, change_counts, comparison, summary_line
from argodiff.report.layout import Frame, Node

RESULT_EMOJI = {
    AppStatus.CHANGED: "📝",
    AppStatus.UNCHANGED: "✅",
    AppStatus.ERROR: "❌",
    AppStatus.SKIPPED: "⏭️",
}
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


@dataclass(frozen=True)
class Options:
    """What the caller adds around the results."""

    title: str = ""
    head_sha: str = ""
    run_url: str = ""
    summary_hint: str = ""


def revision(rev: str) -> str:
    """A revision for markdown: a SHA as short code, anything else as escaped text."""
    short = short_sha(rev)
    return f"`{short}`" if short.isalnum() else md(short, NAME_LIMIT)


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
    """A continuation note, then the commit, run link and full-report link when known."""
    lines = [f"*{next_part}*\n\n"] if next_part else []
    facts = ["argodiff"]
    if opts.head_sha:
        facts.append(f"{s.commit} {revision(opts.head_sha)}")
    if url := safe_url(opts.run_url):
        facts.append(f"[{s.workflow_run}]({url})")
    if url := safe_url(opts.summary_hint):
        facts.append(f"[{s.full_report}]({url})")
    elif opts.summary_hint:
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


def _status(value: str, emoji: dict[str, str]) -> str:
    if not value:
        return "—"
    mark = emoji.get(value)
    return f"{mark} {md(value, 40)}" if mark else md(value, 40)


def _table(apps: list[AppResult], s: Strings) -> Node:
    """The summary table; its header is repeated in every part it continues into."""
    rows = []
    for app in apps:
        url = safe_url(app.url)
        rows.append(
            [
                md(app.name, NAME_LIMIT),
                f"{RESULT_EMOJI[app.status]} {s.results[app.status]}",
                _status(app.sync_status, SYNC_EMOJI),
                _status(app.health_status, HEALTH_EMOJI),
                *(str(app.count(c)) if app.status is AppStatus.CHANGED else "—" for c in CHANGES),
                f"[↗]({url})" if url else "—",
            ]
        )
    headers = [
        s.table_app,
        s.table_result,
        s.table_sync,
        s.table_health,
        *(s.changes[c].capitalize() for c in CHANGES),
        s.table_link,
    ]
    lines = tabulate(rows, headers, tablefmt="github", disable_numparse=True).split("\n")
    head = "\n".join(lines[:2]) + "\n"
    return Node(Frame(head, "\n")).add(*lines[2:])


def _resource(res: ResourceDiff, s: Strings) -> Node:
    what = md(str(res.key), 2 * NAME_LIMIT)
    title = f"**{CHANGE_EMOJI[res.change]} {what}** ({s.changes[res.change]})"
    node = Node(Frame(f"{title}\n\n", "\n", f"{title} {s.continued}\n\n"), keep=True)
    if res.paths:
        shown = ", ".join(md(p, NAME_LIMIT) for p in res.paths[:MAX_PATHS])
        if len(res.paths) > MAX_PATHS:
            shown += " " + s.more.format(n=len(res.paths) - MAX_PATHS)
        node.add(f"{s.changed_fields}: {shown}", "")
    if res.diff.strip():
        node.add(_code(res.diff, "diff"), "")
    node.add(*(f"- {md(note)}" for note in res.notes))
    if not node.children:
        node.add(f"*{s.no_diff_text}*")
    return node


def _about(app: AppResult, s: Strings) -> list[str]:
    """What was compared for one app, where it is defined, its Argo CD link and warnings."""
    facts = []
    if app.compared:
        facts.append(f"**{s.compared}:** {md(app.compared)}")
    if app.file:
        facts.append(f"**{s.defined_in}:** {md(app.file)}")
    if url := safe_url(app.url):
        facts.append(f"[{s.open_in_argocd}]({url})")
    lines = [" · ".join(facts), ""] if facts else []
    lines += [f"- ⚠️ **{s.warning}:** {md(w)}" for w in app.warnings]
    return [*lines, ""] if app.warnings else lines


def _changed(app: AppResult, s: Strings) -> Node:
    name = html_text(app.name, NAME_LIMIT)
    summary = f"{RESULT_EMOJI[app.status]} <b>{name}</b> — {change_counts(app, s)}"
    node = Node(_details(summary, s), keep=True, tag=app.name).add(*_about(app, s))
    node.add(*(_resource(r, s) for r in app.resources))
    return node if node.children else node.add(f"*{s.no_diff_text}*")


def _error(app: AppResult, s: Strings) -> Node:
    where = f" — {md(app.file)}" if app.file else ""
    title = f"**❌ {md(app.name, NAME_LIMIT)}**{where}"
    node = Node(Frame(f"{title}\n\n", "\n", f"{title} {s.continued}\n\n"), keep=True, tag=app.name)
    return node.add(_code(app.error or s.no_message, "text"))


def _unchanged(apps: list[AppResult], s: Strings) -> Node:
    """Names only, comma-separated; the warnings of unchanged apps stay visible below them."""
    summary = f"{RESULT_EMOJI[AppStatus.UNCHANGED]} {s.unchanged.format(n=len(apps))}"
    names = [md(a.name, NAME_LIMIT) + "," for a in apps]
    names[-1] = names[-1][:-1]
    node = Node(_details(summary, s), tag=s.unchanged.format(n=len(apps))).add(*names)
    warned = [f"- **{md(a.name, NAME_LIMIT)}:** ⚠️ {md(w)}" for a in apps for w in a.warnings]
    return node.add("", *warned) if warned else node


def _skipped(apps: list[AppResult], s: Strings) -> Node:
    summary = f"{RESULT_EMOJI[AppStatus.SKIPPED]} {s.skipped.format(n=len(apps))}"
    lines = []
    for app in apps:
        reason = app.error or "; ".join(app.warnings)
        lines.append(f"- **{md(app.name, NAME_LIMIT)}**" + (f": {md(reason)}" if reason else ""))
    return Node(_details(summary, s), tag=s.skipped.format(n=len(apps))).add(*lines)


def body(run: RunResult, s: Strings) -> Node:
    """Notices, the summary, errors, changed apps, then unchanged and skipped apps."""
    root = Node()
    if run.notices:
        alert = Node(Frame("> [!WARNING]\n", "\n"))
        root.add(alert.add(*(f"> - **{md(n)}**" for n in run.notices)))
    by = {status: [a for a in run.apps if a.status is status] for status in AppStatus}
    if not run.apps:
        return root.add(s.no_apps)
    if len(by[AppStatus.UNCHANGED]) == len(run.apps):
        root.add(f"✅ **{s.no_changes.format(n=len(run.apps))}**", "")
        return root.add(_unchanged(by[AppStatus.UNCHANGED], s))
    root.add(f"**{summary_line(run, s)}**", "")
    listed = [a for a in run.apps if a.status in (AppStatus.CHANGED, AppStatus.ERROR)]
    if listed:
        root.add(_table(listed, s))
    if by[AppStatus.ERROR]:
        errors = Node(_titled(f"❌ {s.errors}", s))
        root.add(errors.add(*(_error(a, s) for a in by[AppStatus.ERROR])))
    if by[AppStatus.CHANGED]:
        changed = Node(_titled(f"📝 {s.changed_apps}", s))
        root.add(changed.add(*(_changed(a, s) for a in by[AppStatus.CHANGED])))
    if by[AppStatus.UNCHANGED]:
        root.add(_unchanged(by[AppStatus.UNCHANGED], s))
    if by[AppStatus.SKIPPED]:
        root.add(_skipped(by[AppStatus.SKIPPED], s))
    return root
