"""renovate.json keeps every pin current, and a helm or kustomize bump carries its checksums:
the config is valid, its custom managers find exactly the pins the image build uses, and
scripts/tool_checksums.py (the bump's post-upgrade task) writes verified checksums."""

from __future__ import annotations

import hashlib
import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from tests.action.files import DOCKERFILE, ROOT, TOOL_VERSIONS, args_of, dockerfile, tool_versions

RENOVATE = ROOT / "renovate.json"


def config() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(RENOVATE.read_text(encoding="utf-8"))
    return data


def test_config_matches_renovates_published_schema() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.renovate",
         str(RENOVATE)], capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def js_regex(pattern: str) -> re.Pattern[str]:
    """Renovate's (RE2/JavaScript) named groups `(?<name>…)` in Python's spelling."""
    return re.compile(pattern.replace("(?<", "(?P<"))


def managed_files(manager: dict[str, Any]) -> set[str]:
    tracked = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files"], capture_output=True, text=True, check=True
    ).stdout.split()
    patterns = [js_regex(p.strip("/")) for p in manager["managerFilePatterns"]]
    return {f for f in tracked if any(p.search(f) for p in patterns)}


def extracted() -> dict[str, dict[str, tuple[str, str | None]]]:
    """depName -> file -> (currentValue, currentDigest), as the custom managers extract them."""
    found: dict[str, dict[str, tuple[str, str | None]]] = {}
    for manager in config()["customManagers"]:
        for path in sorted(managed_files(manager)):
            text = (ROOT / path).read_text(encoding="utf-8")
            for pattern in manager["matchStrings"]:
                for match in js_regex(pattern).finditer(text):
                    groups = match.groupdict()
                    name = groups.get("depName") or manager["depNameTemplate"]
                    assert path not in found.get(name, {}), f"{name} matched twice in {path}"
                    found.setdefault(name, {})[path] = (
                        groups["currentValue"],
                        groups.get("currentDigest"),
                    )
    return found


def test_custom_managers_find_every_pin_of_the_image_in_both_files() -> None:
    """One dependency, the same value in the table and the Dockerfile: one PR updates both."""
    table = tool_versions()
    tag, _, digest = table["python"]["image"].partition("@")
    both = {"Dockerfile", "docker/tool-versions.json"}
    deps = extracted()
    assert set(deps) == {"python", "helm", "kustomize"}
    assert deps["python"] == dict.fromkeys(both, (tag.split(":")[1], digest))
    for tool in ("helm", "kustomize"):
        assert deps[tool] == dict.fromkeys(both, (table[tool]["version"], None))
    # What the managers read is what the build uses.
    args = args_of(dockerfile())
    assert args["PYTHON_IMAGE"] == f"{tag}@{digest}"
    assert args["HELM_VERSION"] == table["helm"]["version"]


def test_managers_look_up_the_right_releases() -> None:
    by_dep = {m.get("depNameTemplate", "python"): m for m in config()["customManagers"]}
    assert by_dep["python"]["datasourceTemplate"] == "docker"
    assert by_dep["helm"]["packageNameTemplate"] == "helm/helm"
    assert by_dep["kustomize"]["packageNameTemplate"] == "kubernetes-sigs/kustomize"
    # kustomize's repository also tags api/… and kyaml/… releases: only kustomize/vX.Y.Z count.
    extract = js_regex(by_dep["kustomize"]["extractVersionTemplate"])
    assert extract.fullmatch("kustomize/v5.8.1") and not extract.fullmatch("api/v0.20.1")
    assert js_regex(by_dep["helm"]["extractVersionTemplate"]).fullmatch("v4.2.1")


def test_rules_pin_actions_and_the_base_image_and_refresh_checksums() -> None:
    cfg = config()
    assert "helpers:pinGitHubActionDigestsToSemver" in cfg["extends"]
    assert cfg["dockerfile"] == {"enabled": False}, "the base image has its own manager"
    rules = cfg["packageRules"]
    actions = [
        r for r in rules if r.get("matchManagers") == ["github-actions"] and "pinDigests" in r
    ]
    assert actions and actions[0]["pinDigests"] is True
    (image,) = [r for r in rules if r.get("matchDepNames") == ["python"]]
    assert image["pinDigests"] is True and image["matchDatasources"] == ["docker"]
    (tools,) = [r for r in rules if r.get("matchDepNames") == ["helm", "kustomize"]]
    (command,) = tools["postUpgradeTasks"]["commands"]
    assert command == "python3 scripts/tool_checksums.py"
    assert (ROOT / command.split()[1]).is_file()
    written = {str(TOOL_VERSIONS.relative_to(ROOT)), str(DOCKERFILE.relative_to(ROOT))}
    assert set(tools["postUpgradeTasks"]["fileFilters"]) == written
    assert [r["rangeStrategy"] for r in rules if r.get("matchManagers") == ["pep621"]
            and "rangeStrategy" in r] == ["bump"]  # fmt: skip


# --- scripts/tool_checksums.py against a release server on 127.0.0.1 --------------------------

NEW = {"helm": "9.9.9", "kustomize": "8.8.8"}
ARCHES = ("amd64", "arm64")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def release_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    served = tmp_path / "served"
    served.mkdir()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(Quiet, directory=str(served))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", served
    finally:
        server.shutdown()
        thread.join()


def publish_releases(served: Path, sums_of: dict[str, str] | None = None) -> dict[str, str]:
    """Archives laid out as get.helm.sh and kustomize's GitHub releases lay them out, with their
    checksum files; returns file name -> the real SHA-256."""
    real: dict[str, str] = {}
    kustomize_dir = served / f"kustomize/v{NEW['kustomize']}"
    kustomize_dir.mkdir(parents=True)
    listing = []
    for arch in ARCHES:
        helm = f"helm-v{NEW['helm']}-linux-{arch}.tar.gz"
        kustomize = f"kustomize_v{NEW['kustomize']}_linux_{arch}.tar.gz"
        for directory, name in ((served, helm), (kustomize_dir, kustomize)):
            data = f"{name} archive".encode()
            (directory / name).write_bytes(data)
            real[name] = hashlib.sha256(data).hexdigest()
        listed = (sums_of or {}).get(helm, real[helm])
        (served / f"{helm}.sha256sum").write_text(f"{listed}  {helm}\n")
        listing.append(f"{(sums_of or {}).get(kustomize, real[kustomize])}  {kustomize}")
    (kustomize_dir / "checksums.txt").write_text(
        "\n".join(["0" * 64 + "  other.txt", *listing]) + "\n"
    )
    return real


def bumped_copies(tmp_path: Path, base: str) -> tuple[Path, Path]:
    """The table and Dockerfile after Renovate's version bump: new versions, old checksums,
    downloads served from 127.0.0.1 instead of the internet."""
    table = tool_versions()
    text = DOCKERFILE.read_text(encoding="utf-8")
    for tool, version in NEW.items():
        text = text.replace(f"ARG {tool.upper()}_VERSION={table[tool]['version']}\n",
                            f"ARG {tool.upper()}_VERSION={version}\n")  # fmt: skip
        table[tool]["version"] = version
        for key in ("url", "sums"):
            table[tool][key] = re.sub(r"^https://[^/]+(/kubernetes-sigs/kustomize/releases/download)?",
                                      base, table[tool][key])  # fmt: skip
    table_path, docker_path = tmp_path / "tool-versions.json", tmp_path / "Dockerfile"
    table_path.write_text(json.dumps(table, indent=2) + "\n")
    docker_path.write_text(text)
    return table_path, docker_path


def run_refresh(table: Path, docker: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts/tool_checksums.py"), "--table", str(table),
         "--dockerfile", str(docker)], capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_refresh_writes_the_verified_checksums_to_both_files(
    tmp_path: Path, release_server: tuple[str, Path]
) -> None:
    base, served = release_server
    real = publish_releases(served)
    table_path, docker_path = bumped_copies(tmp_path, base)
    before = docker_path.read_text().splitlines()
    result = run_refresh(table_path, docker_path)
    assert result.returncode == 0, result.stderr

    table = json.loads(table_path.read_text())
    text = docker_path.read_text()
    for arch in ARCHES:
        helm = real[f"helm-v{NEW['helm']}-linux-{arch}.tar.gz"]
        kustomize = real[f"kustomize_v{NEW['kustomize']}_linux_{arch}.tar.gz"]
        assert table["helm"]["sha256"][arch] == helm
        assert table["kustomize"]["sha256"][arch] == kustomize
        assert f"ARG HELM_SHA256_{arch.upper()}={helm}\n" in text
        assert f"ARG KUSTOMIZE_SHA256_{arch.upper()}={kustomize}\n" in text
    assert f"helm {NEW['helm']}: amd64 " in result.stdout
    # Only the checksum lines changed in the Dockerfile.
    changed = [b for a, b in zip(before, text.splitlines(), strict=True) if a != b]
    assert len(changed) == 4 and all("_SHA256_" in line for line in changed)


def test_a_download_that_differs_from_the_published_checksum_changes_nothing(
    tmp_path: Path, release_server: tuple[str, Path]
) -> None:
    base, served = release_server
    tampered = f"kustomize_v{NEW['kustomize']}_linux_arm64.tar.gz"
    publish_releases(served, sums_of={tampered: "f" * 64})
    table_path, docker_path = bumped_copies(tmp_path, base)
    before = (table_path.read_text(), docker_path.read_text())
    result = run_refresh(table_path, docker_path)
    assert result.returncode == 2
    assert tampered in result.stderr and "f" * 64 in result.stderr
    assert (table_path.read_text(), docker_path.read_text()) == before


def test_a_missing_release_is_a_clear_error(
    tmp_path: Path, release_server: tuple[str, Path]
) -> None:
    base, _ = release_server  # nothing published
    table_path, docker_path = bumped_copies(tmp_path, base)
    result = run_refresh(table_path, docker_path)
    assert result.returncode == 2
    assert "tool_checksums.py: error:" in result.stderr and "404" in result.stderr
    assert "Traceback" not in result.stderr


def test_refresh_is_stdlib_only() -> None:
    """Renovate's post-upgrade task runs it with a bare python3, before any install."""
    for script in ("tool_checksums.py", "release.py"):
        text = (ROOT / "scripts" / script).read_text(encoding="utf-8")
        imports = set(re.findall(r"^(?:import|from) ([\w.]+)", text, re.M))
        assert all(m.split(".")[0] in sys.stdlib_module_names | {"__future__"} for m in imports), (
            script, imports)  # fmt: skip
    assert shutil.which("python3")
