"""Masking and escaping hold for every shape a PR can give its text: a Secret at any depth of
`List`s, bidi overrides and invisible characters in names, bare URLs."""

from __future__ import annotations

import json
from pathlib import Path

import cmarkgfm
import pytest

from argodiff.report.escape import html_text, md
from tests.fixture_repo import application
from tests.github.conftest import FakeGitHub
from tests.security.harness import Cli
from tests.security.hostile import HOSTILE, app, build, leaks, run_offline, run_revision

pytestmark = pytest.mark.e2e

NESTED_SECRET = "canary-nested-list-secret-81c4e2"


def _nested(depth: int, kind: str = "List") -> dict[str, object]:
    secret: dict[str, object] = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": f"deep-{depth}"},
        "stringData": {"password": NESTED_SECRET},
        "data": {"token": "Y2FuYXJ5LW5lc3RlZC1saXN0LXNlY3JldC04MWM0ZTI="},
    }
    for _ in range(depth):
        secret = {"apiVersion": "v1", "kind": kind, "items": [secret]}
    return secret


def test_a_secret_in_nested_lists_is_masked(cli: Cli, github: FakeGitHub, tmp_path: Path) -> None:
    """A plain-directory source: argodiff reads the file itself, Lists and all."""
    path = f"argoproj/{HOSTILE}/manifests"
    docs = [_nested(2), _nested(3, "SecretList")]
    files = {
        f"argoproj/{HOSTILE}/application.yaml": application(HOSTILE, HOSTILE, path=path),
        f"{path}/lists.yaml": "\n---\n".join(json.dumps(d) for d in docs) + "\n",
    }
    h = build(tmp_path / "repo", files)
    for out, source in (
        (run_offline(h, cli, tmp_path / "offline"), "stdout"),
        (run_revision(h, cli, github, tmp_path / "pr"), "results file"),
    ):
        assert leaks(out, (NESTED_SECRET,)) == []
        names = {r["name"] for r in app(out, HOSTILE, source)["resources"]}  # type: ignore[attr-defined]
        assert names == {"deep-2", "deep-3"}


BIDI_NAME = "evil\u202egnp.exe\u2066x\u200b"


def test_bidi_and_invisible_characters_are_shown_escaped(
    cli: Cli, github: FakeGitHub, tmp_path: Path
) -> None:
    """An app and a resource named with a right-to-left override, an isolate and a
    zero-width space, and a message with a bare URL."""
    path = f"argoproj/{HOSTILE}/manifests"
    configmap = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": BIDI_NAME},
        "data": {"k": "v"},
    }
    manifest = application(HOSTILE, HOSTILE, path=path).replace(
        f"  name: {HOSTILE}\n", f'  name: "{HOSTILE}\\u202e-txt"\n', 1
    )
    files = {
        f"argoproj/{HOSTILE}/application.yaml": manifest,
        f"{path}/cm.yaml": json.dumps(configmap) + "\n",
    }
    h = build(tmp_path / "repo", files)
    for fmt in ("text", "markdown"):
        out = run_offline(h, cli, tmp_path / fmt, "-o", fmt)
        text = out.stdout.replace("\\\\", "\\")
        for char in "\u202e\u2066":
            assert char not in out.stdout
        assert "\\u202e" in text
    out = run_revision(h, cli, github, tmp_path / "pr")
    for where, text in out.texts.items():
        if where != "results file":  # JSON keeps the data as it is
            assert "\u202e" not in text and "\u2066" not in text, where


def test_bare_urls_in_untrusted_text_are_not_links() -> None:
    """GitHub's autolink extension would link them; a name or message from a PR must not."""
    text = "see https://evil.example/login, http://x.example or www.evil.example now"
    for escaped in (md(text), f"<summary>{html_text(text)}</summary>"):
        html = cmarkgfm.github_flavored_markdown_to_html(
            escaped, options=cmarkgfm.Options.CMARK_OPT_UNSAFE
        )
        assert "<a" not in html, html
        assert "evil.example/login" in html
