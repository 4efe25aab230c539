"""Refresh the SHA-256 checksums of helm and kustomize after a version bump.

Renovate bumps `version` in docker/tool-versions.json and the Dockerfile's ARG defaults
(renovate.json); this script then downloads each pinned release archive, hashes it, checks
the hash against the checksum file the project publishes next to it, and writes the result to
both files. Run it from the repository root:

    python3 scripts/tool_checksums.py

Nothing is written unless every archive matches its published checksum. Standard library only
(Renovate's post-upgrade task runs it with a bare python3).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "docker" / "tool-versions.json"
DOCKERFILE = ROOT / "Dockerfile"
TOOLS = ("helm", "kustomize")
ARCHES = ("amd64", "arm64")
LIMIT = 256 * 1024 * 1024  # largest archive accepted; helm's is ~20 MB


class ChecksumError(Exception):
    """A download failed or does not match what its project publishes."""


def fetch(url: str) -> bytes:
    if not url.startswith(("https://", "http://127.0.0.1")):
        raise ChecksumError(f"{url}: only https downloads are allowed")
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            data: bytes = response.read(LIMIT + 1)
    except OSError as exc:
        raise ChecksumError(f"{url}: {exc}") from exc
    if len(data) > LIMIT:
        raise ChecksumError(f"{url}: larger than {LIMIT} bytes")
    return data


def published_sum(sums: str, filename: str) -> str:
    """The hash a `sha256sum`-style file lists for `filename` (a bare hash counts too)."""
    for line in sums.splitlines():
        parts = line.split()
        if len(parts) == 1 and re.fullmatch(r"[0-9a-f]{64}", parts[0]):
            return parts[0]
        if len(parts) == 2 and parts[1].lstrip("*") == filename:
            return parts[0].lower()
    raise ChecksumError(f"{filename} is not listed in its published checksums")


def refresh(table: dict[str, Any]) -> dict[str, dict[str, str]]:
    """tool -> arch -> SHA-256 of the archive the table pins, verified against upstream."""
    found: dict[str, dict[str, str]] = {}
    for tool in TOOLS:
        spec = table[tool]
        for arch in ARCHES:
            url = spec["url"].format(version=spec["version"], arch=arch)
            digest = hashlib.sha256(fetch(url)).hexdigest()
            sums_url = spec["sums"].format(version=spec["version"], arch=arch)
            listed = published_sum(fetch(sums_url).decode(), url.rsplit("/", 1)[1])
            if listed != digest:
                raise ChecksumError(f"{url}: SHA-256 {digest}, but {sums_url} lists {listed}")
            found.setdefault(tool, {})[arch] = digest
    return found


def write(table_path: Path, dockerfile: Path, sums: dict[str, dict[str, str]]) -> None:
    table = json.loads(table_path.read_text(encoding="utf-8"))
    text = dockerfile.read_text(encoding="utf-8")
    for tool, by_arch in sums.items():
        table[tool]["sha256"] = by_arch
        version_arg = f"ARG {tool.upper()}_VERSION={table[tool]['version']}\n"
        if version_arg not in text:
            raise ChecksumError(f"{dockerfile.name}: no line {version_arg.strip()!r}")
        for arch, digest in by_arch.items():
            text, count = re.subn(
                rf"^ARG {tool.upper()}_SHA256_{arch.upper()}=\S*$",
                f"ARG {tool.upper()}_SHA256_{arch.upper()}={digest}",
                text,
                flags=re.M,
            )
            if count != 1:
                raise ChecksumError(
                    f"{dockerfile.name}: no ARG {tool.upper()}_SHA256_{arch.upper()}"
                )
    table_path.write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")
    dockerfile.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tool_checksums.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--table", type=Path, default=TABLE)
    parser.add_argument("--dockerfile", type=Path, default=DOCKERFILE)
    args = parser.parse_args(argv)
    try:
        table = json.loads(args.table.read_text(encoding="utf-8"))
        sums = refresh(table)
        write(args.table, args.dockerfile, sums)
    except (ChecksumError, OSError, KeyError, ValueError) as exc:
        print(f"tool_checksums.py: error: {exc}", file=sys.stderr)
        return 2
    for tool in TOOLS:
        print(
            f"{tool} {table[tool]['version']}: " + ", ".join(f"{a} {sums[tool][a]}" for a in ARCHES)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
