"""Last line of defence: known secrets are scrubbed from every text argodiff writes."""

from __future__ import annotations

import base64
from collections.abc import Iterable

MASK = "***"
MIN_SECRET_LENGTH = 4


class Redactor:
    """Replaces each secret, and its base64 forms, with `***`."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: list[str] = []
        self._needles: list[str] = []
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        """Scrub these too, from now on (secrets become known as the settings are read)."""
        needles = set(self._needles)
        for secret in secrets:
            if len(secret) < MIN_SECRET_LENGTH:
                continue
            if secret not in self._secrets:
                self._secrets.append(secret)
            needles.add(secret)
            encoded = base64.b64encode(secret.encode()).decode()
            needles.add(encoded)
            needles.add(encoded.rstrip("="))
        # Longest first, so a secret that contains another is replaced whole.
        self._needles = sorted(needles, key=len, reverse=True)

    @property
    def secrets(self) -> list[str]:
        """The secrets given, in order (for the runner's `::add-mask::`)."""
        return list(self._secrets)

    def scrub(self, text: str) -> str:
        for needle in self._needles:
            if needle in text:
                text = text.replace(needle, MASK)
        return text
