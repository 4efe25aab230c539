"""The suite's own instruments catch what they are meant to: a runner that honours a raw
command, markdown that leaks out of a code block or pings someone, a leaked piece of a secret."""

from __future__ import annotations

from tests.security.canaries import ARGOCD_TOKEN, DATA_PR, b64, find_leaks
from tests.security.rendered import Rendered
from tests.security.runner_log import RunnerLog


def test_runner_model_honours_commands_as_the_runner_does() -> None:
    log = "\n".join(
        [
            "   ::set-output name=a::1",  # leading spaces are trimmed
            "text ##[error]legacy form, anywhere in a line",
            "::stop-commands::tok",
            "::set-output name=b::2",
            "##[error]ignored",
            "::TOK::",  # the token is matched case-insensitively
            "::warning::after",
        ]
    )
    read = RunnerLog.read(log)
    honoured = [(c.name, c.data) for c in read.honoured]
    assert honoured == [
        ("set-output", "1"),
        ("error", "legacy form, anywhere in a line"),
        ("stop-commands", "tok"),
        ("warning", "after"),
    ]
    assert read.stopped == ["::set-output name=b::2", "##[error]ignored"]
    assert read.resumed == ["tok"] and not read.still_stopped
    assert not next(c for c in read.honoured if c.name == "set-output").plain


def test_rendered_markdown_shows_leaks_pings_and_broken_structure() -> None:
    broken = "<details>\n<summary>x</summary>\n\n```\nPAYLOAD\n```\nPAYLOAD @octocat\n"
    doc = Rendered.of(broken)
    assert doc.outside_code("PAYLOAD") == ["PAYLOAD @octocat"]
    assert doc.inside_code("PAYLOAD") == ["PAYLOAD\n"]
    assert doc.pings() == ["@octocat"]
    assert doc.problems == ["left open at the end: ['details']"]
    assert Rendered.of("`@octocat` and @\u200boctocat").pings() == []
    live = Rendered.of("<img src=x onerror=alert(1)>\n")
    assert [n.attrs for n in live.tags("img")] == [(("src", "x"), ("onerror", "alert(1)"))]


def test_leak_search_sees_every_form_and_pieces() -> None:
    forms = [DATA_PR, b64(DATA_PR), b64(DATA_PR).rstrip("="), b64(b64(DATA_PR))]
    for form in forms:
        assert {leak.canary for leak in find_leaks({"out": f"x{form}x"})} == {DATA_PR}
    cut = "Bearer " + ARGOCD_TOKEN[:20] + "…"
    assert {leak.canary for leak in find_leaks({"out": cut})} >= {ARGOCD_TOKEN}
    assert find_leaks({"out": "canary-data-pr"}) == []  # shorter than a piece
