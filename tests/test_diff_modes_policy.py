"""Which apps get Argo CD's server-side diff (controller/state.go's rule, and the flag)."""

from __future__ import annotations

import pytest

from argodiff.model import Application
from argodiff.run.modes import COMPARE_OPTIONS, wants_server_side


def _app(options: str | None) -> Application:
    notes = {COMPARE_OPTIONS: options} if options is not None else {}
    return Application(name="web", annotations=notes)


@pytest.mark.parametrize(
    ("options", "policy", "expected"),
    [
        ("ServerSideDiff=true", "auto", True),
        ("IgnoreExtraneous, ServerSideDiff=true", "auto", True),
        ("ServerSideDiff=false", "auto", False),
        ("ServerSideDiff=true,ServerSideDiff=false", "auto", False),
        (None, "auto", False),
        ("IncludeMutationWebhook=true", "auto", False),
        (None, "always", True),
        ("ServerSideDiff=false", "always", True),
        ("ServerSideDiff=true", "never", False),
    ],
)
def test_policy(options: str | None, policy: str, expected: bool) -> None:
    assert wants_server_side(_app(options), policy) is expected
