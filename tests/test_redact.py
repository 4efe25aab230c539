"""Known secrets never survive into output, plain or base64."""

from __future__ import annotations

import base64

from argodiff.redact import Redactor


def test_plain_and_base64_forms_are_masked() -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.payload.signature"
    redactor = Redactor([token, "cf-secret-value", ""])
    b64 = base64.b64encode(b"cf-secret-value").decode()
    text = f"Authorization: Bearer {token}\nsecret={b64}\nother=visible"
    out = redactor.scrub(text)
    assert token not in out and b64 not in out
    assert "cf-secret-value" not in redactor.scrub("x cf-secret-value y")
    assert "other=visible" in out


def test_short_values_are_not_treated_as_secrets() -> None:
    assert Redactor(["ab"]).scrub("about") == "about"
