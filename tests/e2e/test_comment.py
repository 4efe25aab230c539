"""The comment a reviewer reads, through the real CLI (`argodiff pr` as the action runs it)
against the Argo CD simulator and the fake GitHub, live and offline, in English and Japanese,
checked as GitHub renders it (cmark-gfm)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import responses

from tests.e2e.comment_pr import PASSWORD_BASE, PASSWORD_PR, base_files, pr_changes
from tests.fixture_repo import GitRepo
from tests.github.conftest import FakeGitHub
from tests.report.gfm import check_structure, outside_code
from tests.security.harness import Cli, Fixture, Outputs, PrJob, checkout
from tests.simulator import Simulator

pytestmark = pytest.mark.e2e

TOKEN = "e2e.comment.token"
GITHUB_LIMIT = 65_536
REPO_WEB = "https://github.com/lolice/argoproj"
RUN_URL = f"{REPO_WEB}/actions/runs/4242"


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> Fixture:
    repo = GitRepo.init(tmp_path_factory.mktemp("comment") / "repo")
    base = repo.commit(base_files(), "seven apps")
    pr = repo.commit(pr_changes(), "the pull request a reviewer reads")
    return Fixture(repo, base, pr)


@pytest.fixture(scope="module")
def simulator(fixture: Fixture) -> Iterator[Simulator]:
    with Simulator(fixture.repo.path, synced=fixture.base, token=TOKEN) as sim:
        yield sim


@pytest.fixture
def github(fixture: Fixture) -> Iterator[FakeGitHub]:
    changed = fixture.repo.git("diff", "--name-only", fixture.base, fixture.pr).split()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add_passthru(re.compile(r"http://127\.0\.0\.1[:/]"))
        fake = FakeGitHub(rsps, head_sha=fixture.pr)
        fake.files = [{"filename": f, "status": "modified"} for f in changed]
        fake.register()
        yield fake


@dataclass
class Posted:
    out: Outputs
    parts: list[str]
    results: dict[str, Any]
    mode: str
    lang: str

    @property
    def whole(self) -> str:
        return "\n".join(self.parts)

    def app(self, name: str) -> dict[str, Any]:
        found: dict[str, Any] = next(a for a in self.results["apps"] if a["name"] == name)
        return found


RUNS = [(m, lang) for m in ("revision", "offline") for lang in ("en", "ja")]


@pytest.fixture(params=RUNS, ids=[f"{m}-{lang}" for m, lang in RUNS])
def posted(  # noqa: PLR0917 (pytest fixtures)
    request: pytest.FixtureRequest,
    fixture: Fixture,
    simulator: Simulator,
    github: FakeGitHub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> Posted:
    mode, lang = request.param
    home = tmp_path / "home"
    home.mkdir()
    job = PrJob(fixture, checkout(fixture, tmp_path / "ws"), Cli(home, github, monkeypatch, capfd))
    inputs = {"mode": mode, "lang": lang}
    if mode == "revision":
        inputs |= {"argocd-server": simulator.url, "argocd-auth-token": TOKEN}
    out = job.run(["pr", "--no-fail-on-error"], inputs)
    assert out.code == 0, out.stdout + out.stderr
    parts = out.comments()
    assert parts and github.bodies() == parts
    return Posted(out, parts, json.loads(out.texts["results file"]), mode, lang)


def check_every_part_is_valid_markdown_within_githubs_limit(posted: Posted) -> None:
    for part in posted.parts:
        assert len(part) <= GITHUB_LIMIT and len(part.encode()) <= GITHUB_LIMIT
        check_structure(part)
    check_structure(posted.out.texts["step summary"])


def _table(part: str) -> list[list[str]]:
    html = check_structure(part).split("<table>")[1].split("</table>")[0]
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in html.split("<tr>")[1:]]


def check_the_table_shows_sizes_errors_first_and_live_columns_only_live(posted: Posted) -> None:
    header, *rows = _table(posted.parts[0])
    live = posted.mode == "revision"
    # Live, Argo CD masks both sides of the Secret alike: vault is unchanged, with a warning.
    names = ["broken", "cache", "dashboards", "legacy", "rbac", *([] if live else ["vault"]), "web"]
    assert [r[0] for r in rows] == names
    assert (len(header) == 9) is live and (len(header) == 6) is not live
    sizes = {r[0]: r[-2] if live else r[-1] for r in rows}
    assert sizes["web"] == "+1 −1"
    added, removed = map(int, re.findall(r"\d+", sizes["dashboards"]))
    assert added == removed > 500
    assert sizes["broken"] == "—"
    marks = {r[0]: r[1] for r in rows}
    assert marks["cache"].startswith("🆕") and marks["legacy"].startswith("🗑️")
    assert marks["broken"].startswith("❌")


def check_small_apps_come_first_and_the_big_diff_is_folded(posted: Posted) -> None:
    first = posted.parts[0]
    for title in ("apps/Deployment web/web", "ClusterRole viewer", "ConfigMap rbac/settings"):
        assert f"{title}** (" in first
    text = outside_code(check_structure(posted.whole))
    fold = {"en": "more lines not shown", "ja": "行は省略しています"}[posted.lang]
    assert (
        fold in text
        and 'href="https://github.com/lolice/argoproj/actions/runs/4242#artifacts"' in text
    )
    # The results keep every diff whole.
    (dash,) = posted.app("dashboards")["resources"]
    assert dash["diff"].count("\n+") > 500


def check_one_header_per_resource_and_no_bookkeeping(posted: Posted) -> None:
    for part in posted.parts:
        for line in part.split("\n"):
            assert not line.startswith(("=====", "--- live", "+++ predicted", "--- base"))
        blocks = re.findall(r"(?ms)^(`{3,})diff\n(.*?)^\1$", part)
        diffs = "".join(body for _, body in blocks)
        assert diffs
        bookkeeping = ("uid:", "managedFields:", "resourceVersion:", "creationTimestamp:")
        for noise in (*bookkeeping, "tracking-id"):
            assert noise not in diffs, noise
        assert "/ConfigMap" not in part and "** (" in part


def check_a_repeated_line_is_never_removed_and_added_in_one_hunk(posted: Posted) -> None:
    (dash,) = posted.app("dashboards")["resources"]
    for hunk in dash["diff"].split("\n@@")[1:]:
        lines = hunk.split("\n")[1:]
        removed = {ln[1:] for ln in lines if ln.startswith("-")}
        added = {ln[1:] for ln in lines if ln.startswith("+")}
        assert not removed & added


def check_new_and_deleted_apps_are_their_own_results(posted: Posted) -> None:
    assert posted.app("cache")["lifecycle"] == "new"
    assert posted.app("legacy")["lifecycle"] == "deleted"
    assert posted.app("web")["lifecycle"] == "existing"
    assert {posted.app(n)["status"] for n in ("cache", "legacy")} == {"changed"}
    assert all(r["change"] == "added" for r in posted.app("cache")["resources"])
    assert all(r["change"] == "removed" for r in posted.app("legacy")["resources"])


def check_the_failing_app_reads_cause_first_with_its_file_and_link(posted: Posted) -> None:
    html = check_structure(posted.parts[0])
    errors = html.split("</h3>", 1)[1].split("<h3>", 1)[0]
    assert f'href="{REPO_WEB}/blob/{posted.results["revision"]}/argoproj/broken/' in errors
    assert ("/applications/argocd/broken" in errors) is (posted.mode == "revision")
    block = errors.split("<code>", 1)[1].split("</code>", 1)[0]
    assert block.startswith({"en": "Cause: ", "ja": "原因: "}[posted.lang])
    assert "middleware.yaml" in block.split("\n", 1)[0]
    assert max(len(line) for line in block.split("\n")) <= 100


def check_a_secret_value_change_is_named_never_shown(posted: Posted) -> None:
    text = outside_code(check_structure(posted.whole))
    if posted.mode == "revision":
        said = {
            "en": "Secret vault/db: a value may have changed (hidden)",
            "ja": "Secret vault/db: 値が変更された可能性があります (非表示)",
        }
    else:
        said = {
            "en": "data.password: value changed (hidden)",
            "ja": "data.password: 値を変更 (非表示)",
        }
    assert said[posted.lang] in text
    everything = "".join(posted.out.texts.values())
    for value in (PASSWORD_BASE, PASSWORD_PR):
        assert value not in everything


def check_links_commit_files_run_and_results(posted: Posted) -> None:
    head = posted.results["revision"]
    for part in posted.parts:
        footer = part.rsplit("<sub>", 1)[1]
        assert f"[`{head[:7]}`]({REPO_WEB}/commit/{head})" in footer
        assert footer.count(f"]({RUN_URL})") == 1
        assert footer.count(f"]({RUN_URL}#artifacts)") == 1
    assert f"]({REPO_WEB}/blob/{head}/argoproj/web/application.yaml)" in posted.whole


ENGLISH = ("Compared", "Changes", "Errors", "Warning", "Defined in", "Cause", "added", "new app")


def check_one_language_throughout(posted: Posted) -> None:
    text = outside_code(check_structure(posted.whole))
    if posted.lang == "ja":
        for word in ENGLISH:
            assert word not in text, word
        assert "新規アプリ" in text and "削除されるアプリ" in text
        assert ") (続き)" not in posted.whole
    # `compared` stays in the results, as English words derived from the facts.
    web = posted.app("web")
    assert web["comparison"]["mode"] == posted.mode
    if posted.mode == "revision":
        assert web["compared"] == f"live → {posted.results['revision'][:7]} (rendered by Argo CD)"
    else:
        assert web["compared"].endswith("(both rendered locally)")


CHECKS = (
    check_every_part_is_valid_markdown_within_githubs_limit,
    check_the_table_shows_sizes_errors_first_and_live_columns_only_live,
    check_small_apps_come_first_and_the_big_diff_is_folded,
    check_one_header_per_resource_and_no_bookkeeping,
    check_a_repeated_line_is_never_removed_and_added_in_one_hunk,
    check_new_and_deleted_apps_are_their_own_results,
    check_the_failing_app_reads_cause_first_with_its_file_and_link,
    check_a_secret_value_change_is_named_never_shown,
    check_links_commit_files_run_and_results,
    check_one_language_throughout,
)


def test_every_rule_holds_in_the_comment(posted: Posted) -> None:
    """One PR job per mode and language; every rule checked on what it posted."""
    for check in CHECKS:
        check(posted)
