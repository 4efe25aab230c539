"""Last line of defence: known secrets are scrubbed from every text argodiff writes."""

from __future__ import annotations

import base64
from collections.abc import Iterable

MASK = "***"
MIN_SECRET_LENGTH = 4


class Redactor:
    """Replaces each secret, and its base64 forms, with `***`."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        needles: set[str] = set()
        for secret in secrets:
            if len(secret) < MIN_SECRET_LENGTH:
                continue
            needles.add(secret)
            encoded = base64.b64encode(secret.encode()).decode()
            needles.add(encoded)
            needles.add(encoded.rstrip("="))
        # Longest first, so a secret that contains another is replaced whole.
        self._needles = sorted(needles, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        for needle in self._needles:
            if needle in text:
                text = text.replace(needle, MASK)
        return text
