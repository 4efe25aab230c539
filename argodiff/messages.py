"""The notices, warnings and notes argodiff writes into results, in English and Japanese.

Results hold these as English text (the JSON's schema is plain strings); each is made here from
its template, so a report in another language can recognise it and phrase it again
(`translate`). Text that is not argodiff's own (a tool's or Argo CD's message) stays as it is.
A message's first line is one short sentence; further lines are details a report may fold.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Message:
    en: str
    ja: str
    pattern: re.Pattern[str] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        regex = []
        for literal, name, _, _ in string.Formatter().parse(self.en):
            regex.append(re.escape(literal))
            if name is not None:
                regex.append(f"(?P<{name}>.+?)")
        object.__setattr__(self, "pattern", re.compile("".join(regex), re.S))

    def __call__(self, **args: Any) -> str:
        """The English text, as results hold it."""
        return self.en.format(**args)


FALLBACK = Message(
    "FALLBACK: {why}; this is an OFFLINE comparison of two local renders, not of the live cluster.",
    "フォールバック: {why}。これはライブクラスタとの比較ではなく、"
    "ローカルで 2 回レンダリングした結果のオフライン比較です。",
)
NO_SERVER = Message(
    "no Argo CD server is configured: pass --server or set ARGOCD_SERVER (the argocd-server input)",
    "Argo CD サーバーが設定されていません: --server を指定するか ARGOCD_SERVER "
    "(argocd-server 入力) を設定してください",
)
FORK = Message(
    "this pull request comes from a fork, so no Argo CD secrets are available",
    "この PR はフォークからのため、Argo CD のシークレットを使えません",
)
NO_TOKEN = Message(
    "the Argo CD token is empty: pass --auth-token or set ARGOCD_AUTH_TOKEN "
    "(the argocd-auth-token input, from the ARGOCD_AUTH_TOKEN secret)",
    "Argo CD のトークンが空です: --auth-token を指定するか ARGOCD_AUTH_TOKEN "
    "(argocd-auth-token 入力、ARGOCD_AUTH_TOKEN シークレットから) を設定してください",
)
UNREACHABLE = Message(
    "Argo CD was not reachable ({error})", "Argo CD に接続できませんでした ({error})"
)
BASE_MISSING = Message(
    "the PR base commit is not in this clone (use actions/checkout with fetch-depth: 0): "
    "new and deleted Applications cannot be told apart",
    "PR のベースコミットがこのクローンにありません (actions/checkout で fetch-depth: 0 を"
    "指定してください): 新規と削除のアプリを区別できません",
)
BASE_NOT_FETCHED = Message(
    "the PR base commit is not in this clone (fetch the base branch first): "
    "new and deleted Applications cannot be told apart",
    "PR のベースコミットがこのクローンにありません (先にベースブランチを fetch してください): "
    "新規と削除のアプリを区別できません",
)
UNREADABLE = Message("could not read {what}", "読み込めませんでした: {what}")
DEMO = Message(
    "DEMO: a built-in pull request (newer cloudflared, 2 replicas and a PodDisruptionBudget for "
    "the Longhorn UI tunnel; the Dashboard viewer account removed), applied to a throwaway "
    "checkout of HEAD and rendered offline.",
    "デモ: 組み込みのプルリクエスト (Longhorn UI トンネルの cloudflared 更新、2 レプリカと "
    "PodDisruptionBudget、Dashboard の閲覧用アカウント削除) を HEAD の使い捨てチェックアウトに"
    "適用し、オフラインでレンダリングしました。",
)
SOURCE_NOT_RENDERED = Message(
    "Source {n} ({what}) was not rendered offline; it is unchanged, so the diff is complete.\n"
    "{detail}",
    "ソース {n} ({what}) はオフラインでレンダリングできませんでしたが、変更がないため差分に"
    "漏れはありません。\n{detail}",
)
NOT_AFFECTED = Message(
    "not affected by the change: not rendered",
    "この変更の影響を受けないため、レンダリングしていません",
)
NEEDS_BASE = Message(
    "offline comparison needs the PR base commit in the clone",
    "オフライン比較には PR のベースコミットがクローンに必要です",
)
TIMED_OUT = Message(
    "not diffed: the run's time limit ({seconds} s) expired first",
    "差分を取れませんでした: 実行の制限時間 ({seconds} 秒) が先に切れました",
)
SECRET_MASKED = Message(
    "values are masked by Argo CD: value changes cannot be seen, only added and removed keys",
    "値は Argo CD によりマスクされています: 値の変更は見えず、キーの追加と削除だけが分かります",
)
SECRET_KEY_ADDED = Message("data.{key}: key added", "data.{key}: キーを追加")
SECRET_KEY_REMOVED = Message("data.{key}: key removed", "data.{key}: キーを削除")
SECRET_VALUE_CHANGED = Message(
    "data.{key}: value changed (hidden)", "data.{key}: 値を変更 (非表示)"
)
SECRET_MAY_HAVE_CHANGED = Message(
    "Secret {name}: a value may have changed (hidden)",
    "Secret {name}: 値が変更された可能性があります (非表示)",
)

CAPABILITIES_UNKNOWN = Message(
    "the cluster's capabilities are not known, so Helm rendered these charts without the "
    "cluster's Kubernetes version and API versions, and objects they guard with "
    ".Capabilities may be missing: {charts}. Pass --capabilities FILE "
    "(write one with `argodiff capabilities -o {file}`).",
    "クラスタの capabilities が分からないため、Helm は次のチャートをクラスタの Kubernetes "
    "バージョンと API バージョンなしでレンダリングしました。.Capabilities で条件付けされた"
    "オブジェクトが欠けている可能性があります: {charts}。--capabilities FILE を指定してください "
    "(`argodiff capabilities -o {file}` で書き出せます)。",
)
BUILD_OPTIONS_USED = Message(
    "kustomize build options from {origin}: {flags}",
    "{origin} の kustomize ビルドオプション: {flags}",
)
BUILD_OPTIONS_REFUSED = Message(
    "kustomize build options from {origin} NOT applied locally (not allowed: they could run "
    "code or read files outside the checkout): {flags}; apps that need them may render "
    "differently or fail",
    "{origin} の kustomize ビルドオプションはローカルでは適用していません (コードを実行したり"
    "チェックアウト外のファイルを読んだりできるため許可されません): {flags}。これが必要なアプリは"
    "レンダリング結果が異なるか、失敗する可能性があります",
)
RESULTS_LINK = Message(
    "the pull request put a symbolic link at the results file {path} (to {target}): removed, "
    "not followed",
    "プルリクエストが結果ファイル {path} の場所にシンボリックリンク ({target} へ) を"
    "置いていました: たどらずに削除しました",
)

CATALOGUE = (
    FALLBACK,
    NO_SERVER,
    FORK,
    NO_TOKEN,
    UNREACHABLE,
    BASE_MISSING,
    BASE_NOT_FETCHED,
    UNREADABLE,
    DEMO,
    SOURCE_NOT_RENDERED,
    NOT_AFFECTED,
    NEEDS_BASE,
    TIMED_OUT,
    SECRET_MASKED,
    SECRET_KEY_ADDED,
    SECRET_KEY_REMOVED,
    SECRET_VALUE_CHANGED,
    SECRET_MAY_HAVE_CHANGED,
    CAPABILITIES_UNKNOWN,
    BUILD_OPTIONS_REFUSED,
    BUILD_OPTIONS_USED,
    RESULTS_LINK,
)
"""Longer templates before their prefixes."""


def translate(text: str, lang: str) -> str:
    """`text` in `lang` when it is one of argodiff's messages (its parts translated too)."""
    if lang == "en":
        return text
    for message in CATALOGUE:
        match = message.pattern.fullmatch(text)
        if match:
            parts = {k: translate(v, lang) for k, v in match.groupdict().items()}
            return message.ja.format(**parts)
    if "\n" in text:  # several messages, one a line
        return "\n".join(translate(line, lang) for line in text.split("\n"))
    return text
