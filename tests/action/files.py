"""The action's files as data: action.yml, the workflows, the Dockerfile and the pin table."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argodiff.yamlio import iter_documents

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"
WORKFLOWS = ROOT / ".github" / "workflows"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
TOOL_VERSIONS = ROOT / "docker" / "tool-versions.json"


def load_yaml(path: Path) -> dict[str, Any]:
    (doc,) = list(iter_documents(path.read_text(encoding="utf-8"), str(path)))
    assert isinstance(doc, dict), f"{path} is not a mapping"
    return doc


def workflow(name: str) -> dict[Any, Any]:
    doc: dict[Any, Any] = load_yaml(WORKFLOWS / name)
    # YAML 1.1 reads the bare key `on` as the boolean true.
    if True in doc:
        doc["on"] = doc.pop(True)
    return doc


def workflow_files() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.y*ml"))


def tool_versions() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(TOOL_VERSIONS.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str
    stage: int
    """Index of the FROM this instruction belongs to (-1 before the first FROM)."""


def dockerfile() -> list[Instruction]:
    """The Dockerfile's instructions, continuation lines joined and comment lines dropped."""
    out: list[Instruction] = []
    stage = -1
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full, pending = pending + line, ""
        keyword, _, args = full.partition(" ")
        if keyword.upper() == "FROM":
            stage += 1
        out.append(Instruction(keyword.upper(), args.strip(), stage))
    return out


def args_of(instructions: list[Instruction]) -> dict[str, str]:
    """Every `ARG NAME=default` (an ARG without a default maps to "")."""
    found: dict[str, str] = {}
    for ins in instructions:
        if ins.keyword == "ARG":
            name, _, value = ins.args.partition("=")
            found[name] = value
    return found


def env_of(instructions: list[Instruction], stage: int) -> dict[str, str]:
    """The `ENV KEY=VALUE ...` settings of one stage."""
    found: dict[str, str] = {}
    for ins in instructions:
        if ins.keyword == "ENV" and ins.stage == stage:
            found.update(dict(pair.split("=", 1) for pair in ins.args.split()))
    return found


def dockerignore_excludes(path: str, patterns: list[str]) -> bool:
    """Whether Docker leaves `path` (relative, `/`-separated) out of the build context.

    Docker's rules: patterns are matched in order and the last one that matches wins; a
    leading `!` re-includes; a pattern matching a parent directory covers everything below it;
    `*` stays within one path segment and `**` spans any number.
    """
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        regex = _glob_regex(pattern.lstrip("!").strip("/"))
        if any(regex.fullmatch(p) for p in prefixes):
            excluded = not negate
    return excluded


def _glob_regex(glob: str) -> re.Pattern[str]:
    out = ""
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif glob.startswith("**", i):
            out += ".*"
            i += 2
        elif glob[i] == "*":
            out += "[^/]*"
            i += 1
        elif glob[i] == "?":
            out += "[^/]"
            i += 1
        elif glob[i] == "[":
            end = glob.index("]", i)
            out += glob[i : end + 1]
            i = end + 1
        else:
            out += re.escape(glob[i])
            i += 1
    return re.compile(out)


def dockerignore_patterns() -> list[str]:
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
