"""The bounds on what a pull request (or a server) can make argodiff hold: read once from the
environment at the edge (ARGODIFF_MAX_* variables), documented in docs/security.md."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from argodiff.errors import ConfigError

MIB = 1024 * 1024


@dataclass
class Limits:
    tool_output_bytes: int = 100 * MIB
    """A rendering tool's stdout; past it the tool's process group is killed."""
    yaml_bytes: int = 100 * MIB
    """One YAML input argodiff parses (a file, a tool's output)."""
    response_bytes: int = 256 * MIB
    """One answer from Argo CD, counted after decompression."""


LIMITS = Limits()
"""The limits in force (the defaults until `configure`)."""

VARIABLES = {
    "ARGODIFF_MAX_TOOL_OUTPUT": "tool_output_bytes",
    "ARGODIFF_MAX_YAML_BYTES": "yaml_bytes",
    "ARGODIFF_MAX_RESPONSE_BYTES": "response_bytes",
}
_FLOOR = 1 * MIB
_CEILING = 4096 * MIB


def configure(environ: Mapping[str, str]) -> None:
    """Set LIMITS from the environment: each variable a byte count between 1 MiB and 4 GiB
    (unset: the default)."""
    defaults = Limits()
    for name, attr in VARIABLES.items():
        raw = environ.get(name, "").strip()
        value = getattr(defaults, attr)
        if raw:
            try:
                value = int(raw)
            except ValueError:
                raise ConfigError(f"{name}={raw!r} is not a number of bytes") from None
            if not _FLOOR <= value <= _CEILING:
                raise ConfigError(f"{name}={raw} is outside {_FLOOR:,}..{_CEILING:,} bytes")
        setattr(LIMITS, attr, value)
    assert {f.name for f in fields(Limits)} == set(VARIABLES.values())
