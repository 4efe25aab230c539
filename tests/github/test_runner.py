"""The runner side: workflow commands in the log, step outputs, the job summary."""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path

import pytest

from argodiff.github.runner import SUMMARY_CUT_NOTE, SUMMARY_LIMIT, Actions
from tests.actions_step import effective_commands, read_outputs


def lines(out: io.StringIO) -> list[str]:
    return out.getvalue().splitlines()


def test_mask_hides_each_line_of_a_multiline_secret() -> None:
    out = io.StringIO()

    Actions(out).mask("-----BEGIN KEY-----\nabc%def\n\n   \n-----END KEY-----\n")

    assert lines(out) == [
        "::add-mask::-----BEGIN KEY-----",
        "::add-mask::abc%25def",
        "::add-mask::-----END KEY-----",
    ]


def test_annotations_escape_message_and_properties() -> None:
    out = io.StringIO()
    actions = Actions(out)

    actions.error("render failed: 50% done\r\nsee log", title="app: grafana, prod")
    actions.warning("drift", file="argoproj/grafana/app.yaml", line=12)
    actions.notice("plain")

    assert lines(out) == [
        "::error title=app%3A grafana%2C prod::render failed: 50%25 done%0D%0Asee log",
        "::warning file=argoproj/grafana/app.yaml,line=12::drift",
        "::notice::plain",
    ]


def test_group_is_closed_even_when_its_body_fails() -> None:
    out = io.StringIO()
    actions = Actions(out)

    with pytest.raises(RuntimeError), actions.group("app grafana: 3 changes"):
        out.write("diff...\n")
        raise RuntimeError

    assert lines(out) == ["::group::app grafana: 3 changes", "diff...", "::endgroup::"]


def test_untrusted_text_cannot_run_commands() -> None:
    out = io.StringIO()
    actions = Actions(out)
    manifest = "data:\n::add-mask::nothing\n::endgroup::\n::stop-commands::x\n::x::\n::error::fake"

    actions.untrusted(manifest)
    actions.untrusted("second block\n")
    actions.notice("after")

    log = out.getvalue()
    assert manifest in log and "second block" in log
    assert effective_commands(log) == ["::notice::after"]
    tokens = re.findall(r"^::stop-commands::(.*)$", log.replace(manifest, ""), re.MULTILINE)
    assert len(tokens) == 2 and tokens[0] != tokens[1]
    assert all(re.fullmatch(r"[0-9a-f]{32}", t) for t in tokens)
    assert all(log.count(f"::{t}::\n") == 1 for t in tokens)


def test_outputs_round_trip_through_the_runner_format(tmp_path: Path) -> None:
    path = tmp_path / "output"
    actions = Actions(io.StringIO(), output_path=path)
    summary = "## argodiff\n\n| app | changes |\n|---|---|\n| grafana | 3 |\n"

    actions.set_output("exit-code", "1")
    actions.set_output("summary", summary)
    actions.set_output("query", "a=b<<c")
    actions.set_output("empty", "")

    assert read_outputs(path) == {
        "exit-code": "1",
        "summary": summary,
        "query": "a=b<<c",
        "empty": "",
    }
    assert path.read_text().startswith("exit-code=1\nsummary<<ghadelimiter_")


def test_output_value_containing_the_delimiter_gets_another_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = uuid.UUID(int=1), uuid.UUID(int=2)
    drawn = iter([first, second])
    monkeypatch.setattr(uuid, "uuid4", lambda: next(drawn))
    value = f"line one\nghadelimiter_{first}\nstolen=yes"
    path = tmp_path / "output"

    Actions(io.StringIO(), output_path=path).set_output("diff", value)

    assert read_outputs(path) == {"diff": value}
    assert f"diff<<ghadelimiter_{second}\n" in path.read_text()


@pytest.mark.parametrize("name", ["", "a=b", "a<<b", "a\nb"])
def test_bad_output_names_are_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / "output"

    with pytest.raises(ValueError, match="invalid output name"):
        Actions(io.StringIO(), output_path=path).set_output(name, "v")

    assert not path.exists()


def test_without_runner_files_outputs_and_summary_are_skipped(tmp_path: Path) -> None:
    out = io.StringIO()
    actions = Actions(out)

    actions.set_output("exit-code", "0")
    actions.append_summary("# report\n")

    assert out.getvalue() == ""
    assert list(tmp_path.iterdir()) == []


def test_summary_appends_while_it_fits(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    path.write_text("written by an earlier call\n", encoding="utf-8")
    actions = Actions(io.StringIO(), summary_path=path)

    actions.append_summary("# argodiff\n")
    actions.append_summary("grafana: 3 changes ✅\n")

    assert path.read_text(encoding="utf-8") == (
        "written by an earlier call\n# argodiff\ngrafana: 3 changes ✅\n"
    )


def test_oversized_summary_is_cut_cleanly_below_one_mib(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    actions = Actions(io.StringIO(), summary_path=path)
    actions.append_summary("# argodiff: 120 apps\n")
    diff = "".join(f"+  replicas: {n} — ✅ ünïcödé\n" for n in range(60_000))
    big = f"<details><summary>grafana</summary>\n\n```diff\n{diff}```\n\n</details>\n"

    actions.append_summary(big)
    actions.append_summary("## never shown\n")

    data = path.read_bytes()
    text = data.decode("utf-8")  # no character split in half
    assert len(data) < SUMMARY_LIMIT
    assert len(data) > SUMMARY_LIMIT - 200  # cut close to the limit, not far below it
    assert text.startswith("# argodiff: 120 apps\n<details><summary>grafana</summary>\n")
    body, note = text[: -len(SUMMARY_CUT_NOTE)], text[-len(SUMMARY_CUT_NOTE) :]
    assert note == SUMMARY_CUT_NOTE
    assert body.endswith("ünïcödé\n```\n</details>\n")
    assert "never shown" not in text


def test_cut_summary_closes_longer_and_tilde_fences(tmp_path: Path) -> None:
    path = tmp_path / "summary.md"
    path.write_bytes(b"x" * (SUMMARY_LIMIT - 400) + b"\n")
    actions = Actions(io.StringIO(), summary_path=path)
    block = "~~~~yaml\n```\nnot a close\n" + "key: value\n" * 100 + "~~~~\n"

    actions.append_summary(block)

    added = path.read_text(encoding="utf-8")[SUMMARY_LIMIT - 399 :]
    assert added.startswith("~~~~yaml\n```\nnot a close\nkey: value\n")
    assert added.endswith("key: value\n~~~~\n" + SUMMARY_CUT_NOTE)
    assert path.stat().st_size < SUMMARY_LIMIT
