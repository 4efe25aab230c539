"""No Secret value, plaintext or base64, reaches any output; facts about keys do."""

from __future__ import annotations

import json

from argodiff.engine import diff_app, secrets
from argodiff.engine.secrets import MASKED_NOTE
from argodiff.model import Change, Manifest, ResourceDiff
from tests.engine import objects as o

NEW_PASSWORD = "n3w-Sup3r-Secret"
SECRETS = [o.PASSWORD, NEW_PASSWORD, o.TOKEN]


def _outputs(results: list[ResourceDiff]) -> str:
    return json.dumps([[r.diff, r.paths, r.notes] for r in results])


def _assert_no_secret_values(results: list[ResourceDiff]) -> None:
    text = _outputs(results)
    for value in SECRETS:
        assert value not in text
        assert o.b64(value) not in text
        assert o.b64(value).rstrip("=") not in text


def _diff(target: Manifest | None, live: Manifest | None) -> list[ResourceDiff]:
    return diff_app(o.app(), [target] if target else [], [live] if live else [], o.settings())


def test_changed_plaintext_value_is_a_note_and_a_changed_mask() -> None:
    results = _diff(o.secret(NEW_PASSWORD), o.live_secret())
    _assert_no_secret_values(results)
    [result] = results
    assert result.notes == ["data.password: value changed (hidden)"]
    assert result.paths == ["data.password"]
    assert "-  password: ++++++++++++" in result.diff
    assert "+  password: ++++++++" in result.diff


def test_added_and_removed_keys_are_shown_without_values() -> None:
    target = o.secret()
    target["stringData"]["api-key"] = NEW_PASSWORD
    del target["data"]
    live = o.live_secret()
    del live["metadata"]["annotations"][o.LAST_APPLIED]
    results = _diff(target, live)
    _assert_no_secret_values(results)
    [result] = results
    assert result.notes == ["data.api-key: key added"]
    assert "+  api-key: ++++++++" in result.diff


def test_keys_removed_through_last_applied_are_noted() -> None:
    target = o.secret()
    del target["data"]
    [result] = _diff(target, o.live_secret())
    assert result.notes == ["data.token: key removed"]
    _assert_no_secret_values([result])


def test_values_masked_by_argo_cd_cannot_show_value_changes() -> None:
    assert _diff(o.secret(NEW_PASSWORD), o.live_secret(masked=True)) == []
    target = o.secret(NEW_PASSWORD)
    target["stringData"]["api-key"] = o.TOKEN
    results = _diff(target, o.live_secret(masked=True))
    _assert_no_secret_values(results)
    [result] = results
    assert result.notes == [MASKED_NOTE, "data.api-key: key added"]


def test_added_and_removed_secrets_are_masked_whole() -> None:
    added = _diff(o.secret(), None)
    removed = _diff(None, o.live_secret())
    _assert_no_secret_values(added + removed)
    assert [r.change for r in added + removed] == [Change.ADDED, Change.REMOVED]
    assert "+  password: ++++++++" in added[0].diff
    assert "-  password: ++++++++" in removed[0].diff
    # A pruned resource is shown without the API server's bookkeeping, last-applied included.
    assert o.LAST_APPLIED not in removed[0].diff and "managedFields" not in removed[0].diff


def test_non_secret_fields_of_a_secret_still_diff() -> None:
    target = o.secret()
    target["metadata"]["labels"] = {"rotated": "2026-03"}
    results = _diff(target, o.live_secret())
    _assert_no_secret_values(results)
    assert [r.paths for r in results] == [["metadata.labels"]]


def test_a_last_applied_copy_that_is_not_json_is_masked_whole() -> None:
    live = o.live_secret()
    text = live["metadata"]["annotations"][o.LAST_APPLIED]
    # Cut right after the plaintext password: invalid JSON that still holds the value.
    cut = text[: text.index(o.PASSWORD) + len(o.PASSWORD)]
    live["metadata"]["annotations"][o.LAST_APPLIED] = cut
    target = o.secret()
    target["metadata"]["labels"] = {"rotated": "2026-03"}
    [modified] = _diff(target, live)
    _assert_no_secret_values([modified])
    assert o.LAST_APPLIED not in modified.diff  # bookkeeping: never shown
    masked = secrets.Masker([live]).mask(live)
    assert masked is not None
    assert masked["metadata"]["annotations"][o.LAST_APPLIED] == "++++++++"
