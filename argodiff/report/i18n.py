"""Every fixed string of the reports (comment, job summary, terminal text), in English and
Japanese. A language is a `Strings`; a field missing from either language fails at import, and
tests/report/test_i18n.py checks both hold the same `{fields}`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from argodiff.errors import ConfigError
from argodiff.model import (
    AppResult,
    AppStatus,
    Change,
    Comparison,
    Lifecycle,
    RenderedBy,
    RunResult,
    Side,
    SideKind,
)


@dataclass(frozen=True)
class Strings:
    """One language. `{…}` fields are filled with str.format; pairs are (singular, plural)."""

    lang: str
    title: str
    part: str
    continued: str
    continued_next: str
    parts_cut: str
    compared: str
    server: str
    mode_revision: str
    mode_local: str
    mode_offline: str
    mode_target: str
    sides: dict[SideKind, str]
    """How a side that is not a revision is named."""
    rendered: dict[str, str]
    """`argocd`, `argodiff` (against live) and `both` (two local renders)."""
    comparison: str
    comparison_plain: str
    apps: tuple[str, str]
    statuses: dict[AppStatus, tuple[str, str]]
    list_sep: str
    results: dict[AppStatus, str]
    lifecycles: dict[Lifecycle, str]
    changes: dict[Change, str]
    count: str
    lines: str
    table_app: str
    table_result: str
    table_sync: str
    table_health: str
    table_lines: str
    table_link: str
    open_in_argocd: str
    no_changes: str
    no_apps: str
    errors: str
    cause: str
    changed_apps: str
    large_diffs: str
    large_moved: str
    unchanged: str
    skipped: str
    defined_in: str
    warning: str
    details: str
    changed_fields: str
    more: str
    folded: str
    whole_in_summary: str
    whole_in_artifact: str
    no_diff_text: str
    no_message: str
    commit: str
    workflow_run: str
    results_artifact: str
    job_summary: str
    cut: str
    text_compared: str
    text_via: str
    text_file: str
    text_error: str
    text_warning: str
    text_note: str
    text_changed: str
    text_skipped: str
    text_notice: str
    diff_mode: str = "Diff"
    diff_modes: dict[str, str] = field(
        default_factory=lambda: {
            "server-side": "server-side (Argo CD)",
            "structured-merge": "structured merge",
            "three-way": "three-way",
            "offline": "offline",
        }
    )
    diff_legend: str = (
        "Diff: **server-side**: Argo CD's own server-side diff (a dry-run apply on the cluster)"
        " · **structured merge**: a ServerSideApply app, predicted from its managedFields as"
        " server-side apply would · **three-way**: a kubectl-applied app, against"
        " last-applied-configuration · **offline**: two local renders, no live cluster."
    )
    text_diff: str = "diff"
    text_diff_legend: str = (
        "diff: server-side = Argo CD's own diff (dry-run apply); structured-merge ="
        " ServerSideApply app, from managedFields; three-way = against last-applied;"
        " offline = two local renders"
    )


EN = Strings(
    lang="en",
    title="Argo CD diff",
    part="part {i}/{n}",
    continued="(continued)",
    continued_next="Continued in part {i}/{n}.",
    parts_cut="This report needs {total} comments; only the first {shown} are posted.",
    compared="Compared",
    server="Argo CD",
    mode_revision="live cluster ⇄ {rev}, rendered by Argo CD",
    mode_local="live cluster ⇄ {rev}, rendered locally by argodiff",
    mode_offline="{base} ⇄ {rev}, both rendered locally (no live cluster)",
    mode_target="live cluster ⇄ Argo CD's current target",
    sides={
        SideKind.LIVE: "live",
        SideKind.WORKTREE: "working tree",
        SideKind.TARGET: "Argo CD's current target",
        SideKind.NONE: "nothing",
        SideKind.REVISION: "revision",
    },
    rendered={
        "argocd": "rendered by Argo CD",
        "argodiff": "rendered locally by argodiff",
        "both": "both rendered locally",
    },
    comparison="{before} → {after} ({how})",
    comparison_plain="{before} → {after}",
    apps=("{n} app", "{n} apps"),
    statuses={
        AppStatus.CHANGED: ("{n} changed", "{n} changed"),
        AppStatus.UNCHANGED: ("{n} unchanged", "{n} unchanged"),
        AppStatus.ERROR: ("{n} error", "{n} errors"),
        AppStatus.SKIPPED: ("{n} skipped", "{n} skipped"),
    },
    list_sep=", ",
    results={
        AppStatus.CHANGED: "changed",
        AppStatus.UNCHANGED: "unchanged",
        AppStatus.ERROR: "error",
        AppStatus.SKIPPED: "skipped",
    },
    lifecycles={
        Lifecycle.NEW: "new app",
        Lifecycle.DELETED: "deleted app",
        Lifecycle.EXISTING: "existing app",
    },
    changes={Change.ADDED: "added", Change.MODIFIED: "modified", Change.REMOVED: "removed"},
    count="{n} {change}",
    lines="+{added} −{removed}",
    table_app="App",
    table_result="Result",
    table_sync="Sync",
    table_health="Health",
    table_lines="Lines",
    table_link="Argo CD",
    open_in_argocd="Open in Argo CD",
    no_changes="No changes: none of the {n} compared apps differ.",
    no_apps="No Argo CD applications were compared.",
    errors="Errors",
    cause="Cause",
    changed_apps="Changes",
    large_diffs="Large diffs",
    large_moved="Large diffs of this app are shown under “Large diffs” below: {names}.",
    unchanged="Unchanged ({n})",
    skipped="Skipped ({n})",
    defined_in="Defined in",
    warning="Warning",
    details="Details",
    changed_fields="Changed fields",
    more="and {n} more",
    folded="{hidden} more lines not shown (the diff has {total}). The whole diff: {where}.",
    whole_in_summary="the job summary",
    whole_in_artifact="the results artifact",
    no_diff_text="(no diff text)",
    no_message="(no error message)",
    commit="commit",
    workflow_run="workflow run",
    results_artifact="results artifact",
    job_summary="job summary",
    cut=(
        "This report was cut to stay under the {limit:,}-byte limit of a GitHub job summary. "
        "Shown in full: {shown} of {total} changed apps. Cut: {names}. "
        "The complete diff is in the JSON results."
    ),
    text_compared="Compared",
    text_via="via",
    text_file="file",
    text_error="ERROR",
    text_warning="warning",
    text_note="note",
    text_changed="changed",
    text_skipped="skipped",
    text_notice="NOTICE",
)

JA = Strings(
    lang="ja",
    title="Argo CD 差分",
    part="パート {i}/{n}",
    continued="(続き)",
    continued_next="パート {i}/{n} に続きます。",
    parts_cut=(
        "このレポートには {total} 件のコメントが必要ですが、最初の {shown} 件だけを投稿しています。"
    ),
    compared="比較対象",
    server="Argo CD",
    mode_revision="ライブ環境 ⇄ {rev}(Argo CD でレンダリング)",
    mode_local="ライブ環境 ⇄ {rev}(argodiff がローカルでレンダリング)",
    mode_offline="{base} ⇄ {rev}(どちらもローカルでレンダリング、クラスタ未接続)",
    mode_target="ライブ環境 ⇄ Argo CD の現在のターゲット",
    sides={
        SideKind.LIVE: "ライブ環境",
        SideKind.WORKTREE: "作業ツリー",
        SideKind.TARGET: "Argo CD の現在のターゲット",
        SideKind.NONE: "なし",
        SideKind.REVISION: "リビジョン",
    },
    rendered={
        "argocd": "Argo CD でレンダリング",
        "argodiff": "argodiff がローカルでレンダリング",
        "both": "どちらもローカルでレンダリング",
    },
    comparison="{before} → {after}({how})",
    comparison_plain="{before} → {after}",
    apps=("アプリ {n} 件", "アプリ {n} 件"),
    statuses={
        AppStatus.CHANGED: ("変更あり {n} 件", "変更あり {n} 件"),
        AppStatus.UNCHANGED: ("変更なし {n} 件", "変更なし {n} 件"),
        AppStatus.ERROR: ("エラー {n} 件", "エラー {n} 件"),
        AppStatus.SKIPPED: ("スキップ {n} 件", "スキップ {n} 件"),
    },
    list_sep="、",
    results={
        AppStatus.CHANGED: "変更あり",
        AppStatus.UNCHANGED: "変更なし",
        AppStatus.ERROR: "エラー",
        AppStatus.SKIPPED: "スキップ",
    },
    lifecycles={
        Lifecycle.NEW: "新規アプリ",
        Lifecycle.DELETED: "削除されるアプリ",
        Lifecycle.EXISTING: "既存のアプリ",
    },
    changes={Change.ADDED: "追加", Change.MODIFIED: "変更", Change.REMOVED: "削除"},
    count="{change} {n}",
    lines="+{added} −{removed}",
    table_app="アプリ",
    table_result="結果",
    table_sync="同期",
    table_health="ヘルス",
    table_lines="行数",
    table_link="Argo CD",
    open_in_argocd="Argo CD で開く",
    no_changes="変更なし: 比較した {n} 件のアプリに差分はありません。",
    no_apps="比較対象の Argo CD アプリはありません。",
    errors="エラー",
    cause="原因",
    changed_apps="変更内容",
    large_diffs="大きな差分",
    large_moved="このアプリの大きな差分は下の「大きな差分」にあります: {names}。",
    unchanged="変更なし ({n})",
    skipped="スキップ ({n})",
    defined_in="定義ファイル",
    warning="警告",
    details="詳細",
    changed_fields="変更されたフィールド",
    more="ほか {n} 件",
    folded="残り {hidden} 行は省略しています(差分は全 {total} 行)。差分の全体: {where}。",
    whole_in_summary="ジョブサマリー",
    whole_in_artifact="結果のアーティファクト",
    no_diff_text="(差分テキストなし)",
    no_message="(エラーメッセージなし)",
    commit="コミット",
    workflow_run="ワークフロー実行",
    results_artifact="結果のアーティファクト",
    job_summary="ジョブサマリー",
    cut=(
        "GitHub のジョブサマリーの上限({limit:,} バイト)に収めるため、"
        "このレポートは途中で省略されています。"
        "全体を表示できたのは変更のあるアプリ {total} 件中 {shown} 件です。省略: {names}。"
        "完全な差分は JSON の結果にあります。"
    ),
    text_compared="比較対象",
    text_via="接続先",
    text_file="ファイル",
    text_error="エラー",
    text_warning="警告",
    text_note="注記",
    text_changed="変更",
    text_skipped="スキップ",
    text_notice="お知らせ",
    diff_mode="差分方式",
    diff_modes={
        "server-side": "サーバーサイド(Argo CD)",
        "structured-merge": "構造化マージ",
        "three-way": "3-way マージ",
        "offline": "オフライン",
    },
    diff_legend=(
        "差分方式: **サーバーサイド**: Argo CD 自身のサーバーサイド差分(クラスタでのドライラン適用)"
        " · **構造化マージ**: ServerSideApply のアプリ。"
        "managedFields からサーバーサイド適用の結果を予測"
        " · **3-way マージ**: kubectl で適用されたアプリ。last-applied-configuration と比較"
        " · **オフライン**: ローカルでの 2 つのレンダリング結果を比較(クラスタ未接続)。"
    ),
    text_diff="差分方式",
    text_diff_legend=(
        "差分方式: server-side = Argo CD 自身の差分(ドライラン適用); structured-merge ="
        " ServerSideApply のアプリ、managedFields から予測; three-way = last-applied と比較;"
        " offline = ローカルでの 2 つのレンダリング結果"
    ),
)

LANGUAGES = {"en": EN, "ja": JA}
CHANGES = (Change.ADDED, Change.MODIFIED, Change.REMOVED)
"""The order changes are shown in."""


def strings(lang: str) -> Strings:
    """The strings for `lang` (`en` or `ja`)."""
    try:
        return LANGUAGES[lang]
    except KeyError:
        known = ", ".join(LANGUAGES)
        raise ConfigError(f"unknown report language {lang!r} (known: {known})") from None


def plural(pair: tuple[str, str], n: int) -> str:
    return pair[0 if n == 1 else 1].format(n=n)


def change_counts(app: AppResult, s: Strings) -> str:
    """`1 added, 2 modified` (kinds of change that did not happen are left out)."""
    counts = [(c, app.count(c)) for c in CHANGES]
    return s.list_sep.join(s.count.format(n=n, change=s.changes[c]) for c, n in counts if n)


def summary_line(run: RunResult, s: Strings) -> str:
    """`3 apps: 1 changed, 1 unchanged, 1 error` (statuses with no app are left out)."""
    counts = [
        plural(s.statuses[status], n)
        for status in AppStatus
        if (n := sum(1 for a in run.apps if a.status is status))
    ]
    head = plural(s.apps, len(run.apps))
    return f"{head}: {s.list_sep.join(counts)}" if counts else head


def comparison(run: RunResult, s: Strings, show: Callable[[str], str]) -> str:
    """What the run compared, in words (empty for an unknown mode); `show` formats a revision."""
    templates = {
        "revision": s.mode_revision,
        "local": s.mode_local,
        "offline": s.mode_offline,
        "target": s.mode_target,
    }
    template = templates.get(run.mode)
    if template is None:
        return ""
    return template.format(rev=show(run.revision or "?"), base=show(run.base or "?"))


def _side(side: Side, s: Strings, show: Callable[[str], str]) -> str:
    if side.kind is not SideKind.REVISION:
        return s.sides[side.kind]
    if side.ref and side.ref != side.revision:
        return f"{show(side.ref)} ({show(side.revision)})"
    return show(side.revision or "?")


def app_comparison(what: Comparison, s: Strings, show: Callable[[str], str]) -> str:
    """One app's comparison in words: `live → 4f2a9c1 (rendered by Argo CD)`."""
    before, after = _side(what.before, s, show), _side(what.after, s, show)
    if what.after.kind in (SideKind.TARGET, SideKind.NONE):
        return s.comparison_plain.format(before=before, after=after)
    if what.rendered_by is RenderedBy.ARGOCD:
        how = s.rendered["argocd"]
    elif what.before.kind in (SideKind.LIVE, SideKind.NONE):
        how = s.rendered["argodiff"]
    else:
        how = s.rendered["both"]
    return s.comparison.format(before=before, after=after, how=how)


def compared_text(app: AppResult, s: Strings, show: Callable[[str], str]) -> str:
    """What was compared for `app`, from its facts when known, else its stored words."""
    return app_comparison(app.comparison, s, show) if app.comparison else app.compared
