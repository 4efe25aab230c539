"""Canary secrets, each in every form it could leak in, and a search for them in any text.

A canary is a unique string no report should ever hold: found in an output, it can only have
come from a Secret, a token or a credential argodiff was given.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# Secret values in the fixture repository: base revision, PR revision, live drift.
DATA_BASE = "canary-data-base-5d1e07"
DATA_PR = "canary-data-pr-77ab3c"
STRING_BASE = "canary-stringdata-base-0f3c9a"
STRING_PR = "canary-stringdata-pr-b81d44"
LIST_BASE = "canary-list-base-2c6f10"
LIST_PR = "canary-list-pr-e94a57"
HELM_BASE = "canary-helm-base-a7730e"
HELM_PR = "canary-helm-pr-19fd62"
REMOVED = "canary-removed-secret-4e2b8d"
ADDED = "canary-added-secret-c05f31"
EXPORTED_BASE = "canary-exported-base-3b71c2"
EXPORTED_PR = "canary-exported-pr-8d05fa"
GENERATED_BASE = "canary-generated-base-61e9b0"
GENERATED_PR = "canary-generated-pr-f2a4c7"
DRIFT = "canary-live-drift-9e0d2a"

# Credentials. The Argo CD token has a JWT's three segments, as Argo CD (and the simulator)
# only take such tokens.
ARGOCD_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.canary-argocd-token-4b6e91"
CF_CLIENT_ID = "canary-client-id.access"
CF_SECRET = "canary-cf-access-secret-c1a9f0"
GITHUB_TOKEN = "ghs_canaryGithubToken8f2d6e0b"
API_KEY = "canary-header-api-key-7d3e55"
"""Sent with `--header 'X-Api-Key: …'`."""
URL_PASSWORD = "canary-url-password-0d9e41"
"""The password part of a server URL (`https://user:password@host`)."""
REVOKED_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvbGQifQ.canary-revoked-token-6a0c3d"
"""A token Argo CD no longer takes (401)."""

SECRET_VALUES = (
    DATA_BASE,
    DATA_PR,
    STRING_BASE,
    STRING_PR,
    LIST_BASE,
    LIST_PR,
    HELM_BASE,
    HELM_PR,
    REMOVED,
    ADDED,
    EXPORTED_BASE,
    EXPORTED_PR,
    GENERATED_BASE,
    GENERATED_PR,
    DRIFT,
)
CREDENTIALS = (ARGOCD_TOKEN, CF_SECRET, GITHUB_TOKEN, REVOKED_TOKEN, API_KEY, URL_PASSWORD)
ALL = SECRET_VALUES + CREDENTIALS


def forms(value: str) -> set[str]:
    """The value, its base64 (padded and not) and the base64 of that (a `data` value as it
    sits in a manifest, encoded once more)."""
    once = b64(value)
    twice = b64(once)
    return {value, once, once.rstrip("="), twice, twice.rstrip("=")}


@dataclass(frozen=True)
class Leak:
    where: str
    canary: str
    form: str

    def __str__(self) -> str:
        return f"{self.where}: canary {self.canary!r} found as {self.form!r}"


FRAGMENT = 16
"""Length of the pieces of a canary searched for: a cut-off secret is a leak too."""


def _pieces(text: str) -> set[str]:
    return {text[i : i + FRAGMENT] for i in range(len(text) - FRAGMENT + 1)}


def find_leaks(outputs: dict[str, str], canaries: Iterable[str] = ALL) -> list[Leak]:
    """Every (output, canary, form) hit; `outputs` maps a name (stdout, comment 2…) to text.
    A form is the whole canary in one of its encodings, or any piece of FRAGMENT characters
    of the plain canary (what is left when a message is cut in the middle of it)."""
    needles = [(c, f) for c in canaries for f in sorted(forms(c))]
    pieces: dict[str, list[str]] = {}
    for canary in canaries:
        for piece in _pieces(canary):
            pieces.setdefault(piece, []).append(canary)
    leaks = []
    for where, text in outputs.items():
        leaks += [Leak(where, canary, form) for canary, form in needles if form in text]
        found = sorted(_pieces(text) & pieces.keys())
        leaks += [Leak(where, canary, piece) for piece in found for canary in pieces[piece]]
    return leaks


def mask_lines(log: str) -> tuple[list[str], str]:
    """The `::add-mask::` lines a log starts with, and the rest of the log.

    The runner hides a value from the log once told so, which is why the masks must come first.
    """
    lines = log.splitlines()
    count = 0
    while count < len(lines) and lines[count].startswith("::add-mask::"):
        count += 1
    return lines[:count], "\n".join(lines[count:])
