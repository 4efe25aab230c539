"""Release steps that must agree with each other: the tag, CHANGELOG.md, the built packages and
action.yml. `.github/workflows/release.yaml` runs them; docs/releasing.md is the procedure.

    python scripts/release.py cut 1.2.0          # CHANGELOG: Unreleased -> [1.2.0] - today
    python scripts/release.py check v1.2.0 [--dist dist]   # prints 1.2.0, or says what disagrees
    python scripts/release.py notes 1.2.0        # the version's changelog section (release notes)
    python scripts/release.py pin-action --image ghcr.io/o/argodiff --digest sha256:…

Standard library only: the release jobs run it before anything is installed.
"""

from __future__ import annotations

import argparse
import datetime
import re
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHANGELOG = ROOT / "CHANGELOG.md"
ACTION = ROOT / "action.yml"

VERSION = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
TAG = re.compile(rf"v({VERSION.pattern})")
DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
# ghcr.io/<owner>/<name>: lower case, as the registry requires.
IMAGE = re.compile(r"ghcr\.io/[a-z0-9](?:[a-z0-9-]*[a-z0-9])?/[a-z0-9]+(?:[._-][a-z0-9]+)*")
HEADING = re.compile(r"^## \[(?P<name>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?\s*$")
LINK = re.compile(r"^\[(?P<name>[^\]]+)\]: (?P<url>\S+)\s*$")
ENTRY = re.compile(r"^\s*- \S")
GROUPS = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")
# The one line of action.yml a release changes: `runs.image` (GitHub builds `Dockerfile` for
# `uses: ./`; a release pulls the signed image by digest instead).
DEV_IMAGE_LINE = "  image: Dockerfile\n"


class ReleaseError(Exception):
    """A release step found something that does not agree; the message says what."""


@dataclass(frozen=True)
class Section:
    name: str  # "Unreleased" or a version
    date: str | None
    start: int  # line index of the heading
    end: int  # line index after the section's last line
    body: str


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def sections(lines: list[str]) -> list[Section]:
    """The `## [name] - date` sections, in file order (link references end the last one)."""
    heads = [(i, m) for i, line in enumerate(lines) if (m := HEADING.match(line))]
    links = [i for i, line in enumerate(lines) if LINK.match(line)]
    out = []
    for n, (start, match) in enumerate(heads):
        end = (
            heads[n + 1][0]
            if n + 1 < len(heads)
            else min([len(lines), *[i for i in links if i > start]])
        )
        body = "".join(lines[start + 1 : end]).strip("\n") + "\n"
        out.append(Section(match["name"], match["date"], start, end, body))
    return out


def parse_changelog(text: str) -> list[Section]:
    """Sections of a Keep a Changelog file, checked: Unreleased first, then dated releases
    newest first, each with a link reference, and only the standard groups."""
    lines = text.splitlines(keepends=True)
    found = sections(lines)
    if not found or found[0].name != "Unreleased" or found[0].date:
        raise ReleaseError("CHANGELOG.md: the first section must be '## [Unreleased]'")
    releases = found[1:]
    for section in releases:
        if not VERSION.fullmatch(section.name):
            raise ReleaseError(f"CHANGELOG.md: '{section.name}' is not a version X.Y.Z")
        if not section.date:
            raise ReleaseError(f"CHANGELOG.md: [{section.name}] has no date ('- YYYY-MM-DD')")
        datetime.date.fromisoformat(section.date)
    names = [s.name for s in releases]
    if names != sorted(names, key=version_key, reverse=True) or len(set(names)) != len(names):
        raise ReleaseError("CHANGELOG.md: releases must be listed newest first, each once")
    links = {m["name"] for line in lines if (m := LINK.match(line))}
    for section in found:
        if section.name not in links:
            raise ReleaseError(f"CHANGELOG.md: no link reference '[{section.name}]: URL'")
        for line in section.body.splitlines():
            if line.startswith("### ") and line[4:].strip() not in GROUPS:
                raise ReleaseError(
                    f"CHANGELOG.md: [{section.name}] has group '{line[4:].strip()}'; "
                    f"use one of {', '.join(GROUPS)}"
                )
    return found


def repository_url(text: str) -> str:
    match = re.search(r"^\[Unreleased\]: (https://github\.com/[^/\s]+/[^/\s]+)/", text, re.M)
    if not match:
        raise ReleaseError(
            "CHANGELOG.md: the [Unreleased] link must point to the GitHub repository"
        )
    return match[1]


def cut(text: str, version: str, date: datetime.date) -> str:
    """The changelog with Unreleased released as `version`, and a new empty Unreleased."""
    if not VERSION.fullmatch(version):
        raise ReleaseError(f"'{version}' is not a version X.Y.Z")
    found = parse_changelog(text)
    unreleased, releases = found[0], found[1:]
    if not any(ENTRY.match(line) for line in unreleased.body.splitlines()):
        raise ReleaseError("CHANGELOG.md: nothing under [Unreleased] to release")
    if releases and version_key(version) <= version_key(releases[0].name):
        raise ReleaseError(f"{version} is not newer than the last release {releases[0].name}")
    repo = repository_url(text)
    lines = text.splitlines(keepends=True)
    released = ["## [Unreleased]\n", "\n", f"## [{version}] - {date.isoformat()}\n"]
    lines[unreleased.start : unreleased.start + 1] = released
    previous = releases[0].name if releases else None
    new_links = [
        f"[Unreleased]: {repo}/compare/v{version}...HEAD\n",
        f"[{version}]: {repo}/compare/v{previous}...v{version}\n"
        if previous
        else f"[{version}]: {repo}/releases/tag/v{version}\n",
    ]
    at = next(i for i, line in enumerate(lines) if line.startswith("[Unreleased]: "))
    lines[at : at + 1] = new_links
    result = "".join(lines)
    parse_changelog(result)
    return result


def notes(text: str, version: str) -> str:
    for section in parse_changelog(text)[1:]:
        if section.name == version:
            return section.body
    raise ReleaseError(f"CHANGELOG.md has no section [{version}]; run `release.py cut {version}`")


def check(text: str, tag: str, dist: Path | None) -> str:
    """The version a tag releases, once the changelog (and the built packages) agree with it."""
    match = TAG.fullmatch(tag)
    if not match:
        raise ReleaseError(f"'{tag}' is not a release tag vX.Y.Z")
    version = match[1]
    releases = parse_changelog(text)[1:]
    if not releases or releases[0].name != version:
        newest = releases[0].name if releases else "none"
        raise ReleaseError(
            f"tag {tag}: CHANGELOG.md's newest release is {newest}, not {version}; "
            f"run `python scripts/release.py cut {version}` and tag that commit"
        )
    if not any(ENTRY.match(line) for line in releases[0].body.splitlines()):
        raise ReleaseError(f"CHANGELOG.md: [{version}] lists no changes")
    if dist is not None:
        check_dist(dist, version)
    return version


def check_dist(dist: Path, version: str) -> None:
    """The sdist and wheel were built as `version` (their names and their metadata)."""
    sdists = sorted(dist.glob("*.tar.gz"))
    wheels = sorted(dist.glob("*.whl"))
    if [p.name for p in sdists] != [f"argodiff-{version}.tar.gz"]:
        raise ReleaseError(
            f"{dist}: expected argodiff-{version}.tar.gz, found {[p.name for p in sdists]}"
        )
    if [p.name for p in wheels] != [f"argodiff-{version}-py3-none-any.whl"]:
        raise ReleaseError(
            f"{dist}: expected one argodiff-{version} wheel, found {[p.name for p in wheels]}"
        )
    with zipfile.ZipFile(wheels[0]) as whl:
        metadata = whl.read(f"argodiff-{version}.dist-info/METADATA").decode()
    with tarfile.open(sdists[0]) as sdist:
        member = sdist.extractfile(f"argodiff-{version}/PKG-INFO")
        pkg_info = member.read().decode() if member else ""
    for name, text in (("wheel METADATA", metadata), ("sdist PKG-INFO", pkg_info)):
        if f"\nVersion: {version}\n" not in text:
            raise ReleaseError(f"{name} does not say Version: {version}")


def pin_action(text: str, image: str, digest: str) -> str:
    """action.yml with `runs.image` pulling `image@digest` instead of building the Dockerfile."""
    if not IMAGE.fullmatch(image):
        raise ReleaseError(f"'{image}' is not a ghcr.io/<owner>/<name> image (lower case)")
    if not DIGEST.fullmatch(digest):
        raise ReleaseError(f"'{digest}' is not an image digest sha256:<64 hex>")
    if text.count(DEV_IMAGE_LINE) != 1:
        raise ReleaseError(f"action.yml: expected exactly one line {DEV_IMAGE_LINE.strip()!r}")
    runs = re.search(r"^runs:\n(?:(?:  .*)?\n)*", text, re.M)
    if not runs or DEV_IMAGE_LINE not in runs[0]:
        raise ReleaseError("action.yml: the image line is not under `runs:`")
    return text.replace(DEV_IMAGE_LINE, f"  image: docker://{image}@{digest}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="release.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_cut = sub.add_parser("cut", help="release the Unreleased changelog section as VERSION")
    p_cut.add_argument("version")
    p_cut.add_argument("--date", type=datetime.date.fromisoformat, default=datetime.date.today())
    p_check = sub.add_parser("check", help="check TAG against the changelog (and --dist)")
    p_check.add_argument("tag")
    p_check.add_argument("--dist", type=Path)
    p_notes = sub.add_parser("notes", help="print VERSION's changelog section")
    p_notes.add_argument("version")
    p_pin = sub.add_parser("pin-action", help="point action.yml at IMAGE@DIGEST")
    p_pin.add_argument("--image", required=True)
    p_pin.add_argument("--digest", required=True)
    for p in (p_cut, p_check, p_notes):
        p.add_argument("--changelog", type=Path, default=CHANGELOG)
    p_pin.add_argument("--action", type=Path, default=ACTION)
    args = parser.parse_args(argv)
    try:
        if args.command == "pin-action":
            text = args.action.read_text(encoding="utf-8")
            args.action.write_text(pin_action(text, args.image, args.digest), encoding="utf-8")
            print(f"{args.action.name}: image docker://{args.image}@{args.digest}")
            return 0
        text = args.changelog.read_text(encoding="utf-8")
        if args.command == "cut":
            args.changelog.write_text(cut(text, args.version, args.date), encoding="utf-8")
            print(f"{args.changelog.name}: released {args.version} ({args.date})")
        elif args.command == "check":
            print(check(text, args.tag, args.dist))
        else:
            sys.stdout.write(notes(text, args.version))
    except (
        ReleaseError,
        OSError,
        ValueError,
        KeyError,
        tarfile.TarError,
        zipfile.BadZipFile,
    ) as exc:
        print(f"release.py: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
