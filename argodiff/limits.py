"""The bounds on what a pull request (or a server) can make argodiff hold or spend: read once
from the environment at the edge (ARGODIFF_MAX_* and ARGODIFF_TOOL_TIMEOUT), documented in
docs/security.md."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from argodiff.errors import ConfigError

MIB = 1024 * 1024
GIB = 1024 * MIB


@dataclass
class Limits:
    tool_output_bytes: int = 100 * MIB
    """A rendering tool's stdout; past it the tool's process group is killed."""
    yaml_bytes: int = 100 * MIB
    """One YAML input argodiff parses (a file, a tool's output)."""
    response_bytes: int = 256 * MIB
    """One answer from Argo CD, counted after decompression."""
    tool_memory_bytes: int = 4 * GIB
    """A rendering tool's address space (RLIMIT_AS); past it its allocations fail. Go reserves
    about 700 MiB of address space at start, hence the 1 GiB floor."""
    tool_timeout_seconds: int = 300
    """One tool run's wall-clock time (the run's --timeout caps it further)."""


LIMITS = Limits()
"""The limits in force (the defaults until `configure`)."""

VARIABLES = {
    "ARGODIFF_MAX_TOOL_OUTPUT": "tool_output_bytes",
    "ARGODIFF_MAX_YAML_BYTES": "yaml_bytes",
    "ARGODIFF_MAX_RESPONSE_BYTES": "response_bytes",
    "ARGODIFF_MAX_TOOL_MEMORY": "tool_memory_bytes",
    "ARGODIFF_TOOL_TIMEOUT": "tool_timeout_seconds",
}
_RANGES = {
    "tool_memory_bytes": (1 * GIB, 64 * GIB, "bytes"),
    "tool_timeout_seconds": (1, 24 * 3600, "seconds"),
}
"""Each setting's bounds and unit; the others are byte counts between 1 MiB and 4 GiB."""
_BYTES = (1 * MIB, 4 * GIB, "bytes")


def configure(environ: Mapping[str, str]) -> None:
    """Set LIMITS from the environment: each variable a whole number within its range (unset:
    the default)."""
    defaults = Limits()
    for name, attr in VARIABLES.items():
        raw = environ.get(name, "").strip()
        value = getattr(defaults, attr)
        floor, ceiling, unit = _RANGES.get(attr, _BYTES)
        if raw:
            try:
                value = int(raw)
            except ValueError:
                raise ConfigError(f"{name}={raw!r} is not a number of {unit}") from None
            if not floor <= value <= ceiling:
                raise ConfigError(f"{name}={raw} is outside {floor:,}..{ceiling:,} {unit}")
        setattr(LIMITS, attr, value)
    assert {f.name for f in fields(Limits)} == set(VARIABLES.values())
