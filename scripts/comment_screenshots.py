"""Screenshots of a realistic PR comment, as GitHub would render it, for the README.

    python scripts/comment_screenshots.py [--chromium chromium] [--out docs]

Runs the real `argodiff pr --dry-run` against the Argo CD simulator on the pull request of the
end-to-end comment test (a modest change, a 3,000-line dashboard, a failing app, a new and a
deleted app, a rotated Secret, a ClusterRole and a ConfigMap), renders the first comment part
with cmark-gfm, wraps it in a GitHub-like stylesheet and photographs it with headless Chromium
(`apt-get install chromium`), in English and Japanese. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cmarkgfm  # noqa: E402

from tests.e2e.comment_pr import base_files, pr_changes  # noqa: E402
from tests.fixture_repo import GitRepo  # noqa: E402
from tests.security.harness import Fixture, checkout, pr_event  # noqa: E402
from tests.simulator import Simulator  # noqa: E402

TOKEN = "screenshot.comment.token"
OPEN = ("web", "rbac", "cache")
"""Apps whose section is shown unfolded, as a reviewer who clicked them sees them."""

CSS = """
@font-face { font-family: "Emoji"; src: local("Noto Color Emoji");
  unicode-range: U+1F000-1FAFF, U+2190-21FF, U+2600-27BF, U+2B00-2BFF, U+FE0F; }
body { margin: 0; background: #fff; color: #1f2328; font: 14px/1.5 "Emoji", -apple-system,
  "Segoe UI", "Noto Sans", "Noto Sans CJK JP", Helvetica, Arial, sans-serif,
  "Noto Color Emoji"; }
.comment { max-width: 880px; margin: 16px; border: 1px solid #d1d9e0; border-radius: 6px; }
.head { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px;
  color: #59636e; border-radius: 6px 6px 0 0; }
.head b { color: #1f2328; }
.body { padding: 16px; }
h2 { font-size: 1.5em; border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; margin-top: 0; }
h3 { font-size: 1.25em; margin: 24px 0 16px; }
table { border-collapse: collapse; margin: 0 0 16px; display: block; overflow: auto; }
th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
th { font-weight: 600; } tr:nth-child(2n) { background: #f6f8fa; }
a { color: #0969da; text-decoration: none; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  background: #eff1f3; padding: .2em .4em; border-radius: 6px; }
pre { background: #f6f8fa; border-radius: 6px; padding: 16px; overflow: auto; line-height: 1.45; }
pre code { background: none; padding: 0; white-space: pre; }
.add { color: #116329; background: #dafbe1; display: inline-block; width: 100%; }
.del { color: #82071e; background: #ffebe9; display: inline-block; width: 100%; }
.hunk { color: #6639ba; }
details { margin: 0 0 16px; } summary { cursor: pointer; }
.alert { border-left: .25em solid #9a6700; padding: 8px 16px; margin: 0 0 16px; }
.alert .title { color: #9a6700; font-weight: 600; }
sub { color: #59636e; }
"""


def _color_diffs(page: str) -> str:
    """GitHub colors `diff` blocks: added lines green, removed red, hunk headers purple."""

    def block(match: re.Match[str]) -> str:
        lines = []
        for line in match[1].split("\n"):
            kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1])
            lines.append(f'<span class="{kind}">{line}</span>' if kind else line)
        return '<pre lang="diff"><code>' + "\n".join(lines) + "</code></pre>"

    return re.sub(r'<pre lang="diff"><code>(.*?)</code></pre>', block, page, flags=re.S)


def _alerts(page: str) -> str:
    return page.replace(
        "<blockquote>\n<p>[!WARNING]",
        '<blockquote class="alert">\n<p><span class="title">⚠ Warning</span>',
    )


def to_page(markdown: str, lang: str) -> str:
    body = cmarkgfm.github_flavored_markdown_to_html(
        markdown, options=cmarkgfm.Options.CMARK_OPT_UNSAFE
    )
    for name in OPEN:
        body = body.replace(
            "<details>\n<summary>📝 <b>" + name, "<details open>\n<summary>📝 <b>" + name
        )
        body = body.replace(
            "<details>\n<summary>🆕 <b>" + name, "<details open>\n<summary>🆕 <b>" + name
        )
    body = _alerts(_color_diffs(body))
    who = "github-actions"
    return (
        f'<!doctype html><html lang="{lang}"><meta charset="utf-8"><style>{CSS}</style>'
        f'<div class="comment"><div class="head"><b>{html.escape(who)}</b> bot commented</div>'
        f'<div class="body">{body}</div></div></html>'
    )


def comment_parts(
    lang: str, work: Path, fixture: Fixture, server: str, checkout_dir: Path
) -> list[str]:
    """`argodiff pr --dry-run`, as the action runs it, printing the comment parts."""
    event = work / "event.json"
    event.write_text(json.dumps(pr_event(fixture)), encoding="utf-8")
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_", "ARGOCD_"))
    }
    env |= {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_REPOSITORY": "lolice/argoproj",
        "GITHUB_RUN_ID": "4242",
        "GITHUB_SHA": fixture.pr,
        "GITHUB_WORKSPACE": str(checkout_dir),
        "INPUT_ARGOCD-SERVER": server,
        "INPUT_ARGOCD-AUTH-TOKEN": TOKEN,
        "INPUT_LANG": lang,
        "INPUT_INSTANCE": "lolice",
        "NO_COLOR": "1",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "argodiff", "pr", "--dry-run", "--no-fail-on-error"],
        cwd=checkout_dir, env=env, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    if "<!-- argodiff:" not in proc.stdout:
        raise SystemExit(f"argodiff pr printed no comment:\n{proc.stdout}\n{proc.stderr}")
    text = proc.stdout[proc.stdout.index("<!-- argodiff:") :]
    parts = re.split(r"(?m)^(?=<!-- argodiff:lolice part=)", text)
    # Each part ends with its footer; what follows the last is the job's own log.
    return [p[: p.rindex("</sub>\n") + 7] for p in parts if "</sub>\n" in p]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--chromium", default="chromium")
    p.add_argument("--out", type=Path, default=ROOT / "docs")
    p.add_argument("--width", type=int, default=960)
    p.add_argument("--height", type=int, default=2560)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        repo = GitRepo.init(work / "repo")
        base = repo.commit(base_files(), "seven apps")
        pr = repo.commit(pr_changes(), "the pull request a reviewer reads")
        fixture = Fixture(repo, base, pr)
        where = checkout(fixture, work / "ws")
        with Simulator(repo.path, synced=base, token=TOKEN) as sim:
            for lang in ("en", "ja"):
                first = comment_parts(lang, work, fixture, sim.url, where)[0]
                (args.out / f"comment-{lang}.md").write_text(first, encoding="utf-8")
                page = work / f"comment-{lang}.html"
                page.write_text(to_page(first, lang), encoding="utf-8")
                shot = args.out / f"comment-{lang}.png"
                subprocess.run(
                    [
                        args.chromium, "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                        f"--user-data-dir={work / 'profile'}", f"--screenshot={shot}",
                        f"--window-size={args.width},{args.height}", page.as_uri(),
                    ],
                    check=True, capture_output=True, timeout=120,
                )  # fmt: skip
                print(f"{shot}: {shot.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
