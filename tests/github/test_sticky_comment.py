"""The sticky comment: one set of parts per instance per PR, edited in place on every run."""

from __future__ import annotations

from github import Github

from argodiff.github.api import PublishOutcome, StickyComment, github_client
from tests.github.conftest import BOT, HUMAN, NUMBER, REPO, FakeGitHub

MARKER = "<!-- argodiff:lolice"


def report(*texts: str, marker: str = MARKER) -> list[str]:
    """Comment bodies as the report renders them: the marker line, then the text."""
    n = len(texts)
    return [f"{marker} part={i}/{n} -->\n{text}" for i, text in enumerate(texts, start=1)]


def sticky(gh: Github) -> StickyComment:
    return StickyComment(gh, REPO, NUMBER, instance_marker=MARKER)


def test_first_run_creates_every_part(fake: FakeGitHub, gh: Github) -> None:
    outcome = sticky(gh).publish(report("grafana: 2 changes", "longhorn: 1 change"))

    assert outcome == PublishOutcome(created=2, edited=0, deleted=0, unchanged=0, skipped=None)
    assert fake.bodies() == report("grafana: 2 changes", "longhorn: 1 change")


def test_rerun_edits_in_place_without_a_new_comment(fake: FakeGitHub, gh: Github) -> None:
    sticky(gh).publish(report("grafana: 2 changes"))
    first_id = fake.comments[0]["id"]

    outcome = sticky(gh).publish(report("grafana: 3 changes"))

    assert outcome.edited == 1 and outcome.created == 0
    assert [c["id"] for c in fake.comments] == [first_id]
    assert fake.bodies() == report("grafana: 3 changes")


def test_identical_body_sends_no_patch(fake: FakeGitHub, gh: Github) -> None:
    sticky(gh).publish(report("no changes"))

    outcome = sticky(gh).publish(report("no changes"))

    assert outcome.unchanged == 1 and outcome.edited == 0
    assert fake.requests("PATCH") == []


def test_shrinking_report_deletes_leftover_parts(fake: FakeGitHub, gh: Github) -> None:
    sticky(gh).publish(report("part one", "part two", "part three"))

    outcome = sticky(gh).publish(report("only part"))

    assert (outcome.edited, outcome.deleted) == (1, 2)
    assert fake.bodies() == report("only part")


def test_growing_report_appends_parts_after_the_existing_ones(fake: FakeGitHub, gh: Github) -> None:
    sticky(gh).publish(report("one"))

    outcome = sticky(gh).publish(report("one, longer", "two"))

    assert (outcome.edited, outcome.created) == (1, 1)
    assert fake.bodies() == report("one, longer", "two")


def test_duplicate_parts_left_by_a_retried_post_are_removed(fake: FakeGitHub, gh: Github) -> None:
    for body in report("old") * 2:
        fake.add_comment(body)

    sticky(gh).publish(report("new"))

    assert fake.bodies() == report("new")


def test_empty_report_removes_this_instances_comments(fake: FakeGitHub, gh: Github) -> None:
    sticky(gh).publish(report("a", "b"))

    outcome = sticky(gh).publish([])

    assert outcome.deleted == 2
    assert fake.comments == []


def test_other_instances_and_humans_are_untouched(fake: FakeGitHub, gh: Github) -> None:
    other = fake.add_comment(report("prod-eu report", marker="<!-- argodiff:lolice-eu")[0])
    quoting = fake.add_comment(report("I copied the bot's comment")[0], HUMAN)
    plain = fake.add_comment("LGTM", HUMAN)
    sticky(gh).publish(report("first", "second"))

    sticky(gh).publish(report("again"))

    assert fake.bodies(BOT) == [other["body"], *report("again")]
    assert fake.bodies(HUMAN) == [quoting["body"], plain["body"]]


def test_with_a_personal_token_only_the_tokens_own_comments_count(
    fake: FakeGitHub, gh: Github
) -> None:
    fake.viewer = "lolice-ci"
    bot_copy = fake.add_comment(report("posted by some bot")[0], BOT)
    sticky(gh).publish(report("mine"))

    sticky(gh).publish(report("mine, edited"))

    assert fake.bodies(BOT) == [bot_copy["body"]]
    assert fake.bodies({"login": "lolice-ci", "type": "User"}) == report("mine, edited")


def test_moved_head_posts_nothing(fake: FakeGitHub, gh: Github) -> None:
    fake.add_comment(report("from the last run")[0])
    fake.head_sha = "c" * 40

    outcome = sticky(gh).publish(report("stale"), expected_head_sha="a" * 40)

    assert outcome.skipped is not None and "head moved" in outcome.skipped
    assert (outcome.created, outcome.edited, outcome.deleted) == (0, 0, 0)
    assert fake.bodies() == report("from the last run")
    assert fake.requests("POST") + fake.requests("PATCH") + fake.requests("DELETE") == []


def test_unmoved_head_posts(fake: FakeGitHub, gh: Github) -> None:
    outcome = sticky(gh).publish(report("fresh"), expected_head_sha="a" * 40)

    assert outcome.skipped is None and outcome.created == 1


def test_comments_on_a_later_page_are_found(fake: FakeGitHub, gh: Github) -> None:
    for n in range(120):
        fake.add_comment(f"review note {n}", HUMAN)
    fake.add_comment(report("old")[0])

    outcome = sticky(gh).publish(report("new"))

    assert (outcome.edited, outcome.created) == (1, 0)
    assert fake.bodies()[-1] == report("new")[0]
    pages = [r.url for r in fake.requests("GET") if "/comments" in (r.url or "")]
    assert len(pages) == 2
    assert all("per_page=100" in (url or "") for url in pages)
    assert "page=2" in (pages[1] or "")


def test_works_against_github_enterprise(fake: FakeGitHub) -> None:
    fake.api = "https://ghe.lolice.example/api/v3"
    fake.register()
    ghes = github_client("t0ken", api_url="https://ghe.lolice.example/api/v3/", throttle=False)

    outcome = StickyComment(ghes, REPO, NUMBER, instance_marker=MARKER).publish(report("hi"))

    assert outcome.created == 1
    assert fake.requests("POST")[0].url == (
        f"https://ghe.lolice.example:443/api/v3/repos/{REPO}/issues/{NUMBER}/comments"
    )
