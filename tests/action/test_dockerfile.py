"""The Dockerfile: pins that agree with docker/tool-versions.json, checksums that really gate
the install, GitHub's container-action rules, and a small build context."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest

from argodiff.repo.git import toplevel
from tests.action.files import (
    ROOT,
    Instruction,
    args_of,
    dockerfile,
    dockerignore_excludes,
    dockerignore_patterns,
    env_of,
    load_yaml,
    tool_versions,
)

HEX64 = re.compile(r"[0-9a-f]{64}")
TOOLS = ("helm", "kustomize")
ARCHES = ("amd64", "arm64")


def stage_named(instructions: list[Instruction], name: str) -> int:
    for ins in instructions:
        if ins.keyword == "FROM" and ins.args.lower().endswith(f" as {name}"):
            return ins.stage
    raise AssertionError(f"no stage {name}")


def tools_script(instructions: list[Instruction]) -> str:
    """The RUN of the tools stage that downloads and checks helm and kustomize."""
    tools = stage_named(instructions, "tools")
    (script,) = [i.args for i in instructions if i.keyword == "RUN" and i.stage == tools
                 and "sha256sum" in i.args]  # fmt: skip
    return script


def test_table_pins_every_tool_and_arch_with_a_sha256() -> None:
    table = tool_versions()
    # A slim Debian base, pinned by tag (what it is) and by digest (exactly which build).
    image = table["python"]["image"]
    assert re.fullmatch(r"python:3\.\d+\.\d+-slim-\w+@sha256:[0-9a-f]{64}", image)
    for tool in TOOLS:
        assert re.fullmatch(r"\d+\.\d+\.\d+", table[tool]["version"])
        assert set(table[tool]["sha256"]) == set(ARCHES)
        for arch in ARCHES:
            assert HEX64.fullmatch(table[tool]["sha256"][arch]), (tool, arch)
    # Different files cannot share a checksum: a copy-paste slip would show here.
    sums = [table[t]["sha256"][a] for t in TOOLS for a in ARCHES]
    assert len(set(sums)) == len(sums)


def test_dockerfile_args_agree_with_the_table() -> None:
    table = tool_versions()
    args = args_of(dockerfile())
    assert args["PYTHON_IMAGE"] == table["python"]["image"]
    for tool in TOOLS:
        assert args[f"{tool.upper()}_VERSION"] == table[tool]["version"]
        for arch in ARCHES:
            assert args[f"{tool.upper()}_SHA256_{arch.upper()}"] == table[tool]["sha256"][arch]
    every_sum = {k: v for k, v in args.items() if "SHA256" in k}
    assert len(every_sum) == len(TOOLS) * len(ARCHES), "a checksum ARG the table does not hold"


def test_every_stage_uses_the_pinned_base_image() -> None:
    froms = [i.args.split()[0] for i in dockerfile() if i.keyword == "FROM"]
    assert froms == ["${PYTHON_IMAGE}"] * 3


def test_download_urls_are_the_tables(tmp_path: Path) -> None:
    table = tool_versions()
    script = tools_script(dockerfile())
    urls = re.findall(r'"(https://[^"]+)"', script)
    templates = [
        url.replace("${HELM_VERSION}", "{version}")
        .replace("${KUSTOMIZE_VERSION}", "{version}")
        .replace("${arch}", "{arch}")
        for url in urls
    ]
    assert templates == [table[t]["url"] for t in TOOLS]
    assert urls[0].startswith("https://get.helm.sh/")
    assert urls[1].startswith("https://github.com/kubernetes-sigs/kustomize/releases/download/")


def fake_release(tool: str, arch: str) -> bytes:
    """A release archive laid out like the real one, holding a stand-in binary."""
    member = f"linux-{arch}/helm" if tool == "helm" else "kustomize"
    script = f"#!/bin/sh\necho {tool}-fake-{arch}\n".encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo(member)
        info.size, info.mode = len(script), 0o755
        tar.addfile(info, io.BytesIO(script))
    return buf.getvalue()


def run_tools_script(
    tmp_path: Path, arch: str, sums: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], Path, list[str]]:
    """Run the tools stage's RUN with /bin/sh as the build would, except that `curl` serves
    fake archives and files land in tmp_path instead of /tmp and /usr/local/bin."""
    table = tool_versions()
    work, dest, bin_dir = tmp_path / "work", tmp_path / "dest", tmp_path / "bin"
    for d in (work, dest, bin_dir):
        d.mkdir()
    served = {}
    for tool in TOOLS:
        url = table[tool]["url"].format(version=table[tool]["version"], arch=arch)
        served[url] = tmp_path / f"{tool}.tgz"
        served[url].write_bytes(fake_release(tool, arch))
    served_json = tmp_path / "served.json"
    served_json.write_text(json.dumps({u: str(p) for u, p in served.items()}))
    log = tmp_path / "curl.log"
    # `curl -fsSL --retry 3 -o FILE URL`: copy the archive served for URL, log the URL.
    (bin_dir / "curl").write_text(
        f"#!{sys.executable}\n"
        "import json, shutil, sys\n"
        "args = sys.argv[1:]\n"
        "url, out = args[-1], args[args.index('-o') + 1]\n"
        f"open({str(log)!r}, 'a').write(url + '\\n')\n"
        f"shutil.copy(json.load(open({str(served_json)!r}))[url], out)\n"
    )
    (bin_dir / "curl").chmod(0o755)
    original = tools_script(dockerfile())
    # Only these two places touch the real file system.
    assert original.count("/tmp") == original.count("cd /tmp;") == 1
    assert original.count("/usr/local") == original.count("/usr/local/bin/")
    script = original.replace("cd /tmp;", f"cd {work};").replace("/usr/local/bin/", f"{dest}/")
    table_env = {
        "HELM_VERSION": table["helm"]["version"],
        "KUSTOMIZE_VERSION": table["kustomize"]["version"],
        "HELM_SHA256_AMD64": "0" * 64,
        "HELM_SHA256_ARM64": "0" * 64,
        "KUSTOMIZE_SHA256_AMD64": "0" * 64,
        "KUSTOMIZE_SHA256_ARM64": "0" * 64,
        **sums,
    }
    env = {"PATH": f"{bin_dir}:{dest}:/usr/bin:/bin", "TARGETARCH": arch, **table_env}
    result = subprocess.run(
        ["/bin/sh", "-c", script], env=env, capture_output=True, text=True, check=False
    )
    requested = log.read_text().split() if log.exists() else []
    return result, dest, requested


@pytest.mark.parametrize("arch", ARCHES)
def test_tools_install_only_when_the_checksum_matches(tmp_path: Path, arch: str) -> None:
    good = {
        f"{tool.upper()}_SHA256_{arch.upper()}": hashlib.sha256(
            fake_release(tool, arch)
        ).hexdigest()
        for tool in TOOLS
    }
    result, dest, requested = run_tools_script(tmp_path, arch, good)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in dest.iterdir()) == ["helm", "kustomize"]
    assert f"helm-fake-{arch}" in result.stdout and f"kustomize-fake-{arch}" in result.stdout
    table = tool_versions()
    assert requested == [
        table[t]["url"].format(version=table[t]["version"], arch=arch) for t in TOOLS
    ]


def test_a_tampered_download_stops_the_build(tmp_path: Path) -> None:
    # The committed (real) checksums cannot match the stand-in archives.
    table = tool_versions()
    real = {f"{t.upper()}_SHA256_{a.upper()}": table[t]["sha256"][a] for t in TOOLS for a in ARCHES}
    result, dest, _ = run_tools_script(tmp_path, "amd64", real)
    assert result.returncode != 0
    assert "FAILED" in result.stdout + result.stderr
    assert list(dest.iterdir()) == []


def test_an_unpinned_architecture_is_refused(tmp_path: Path) -> None:
    result, dest, requested = run_tools_script(tmp_path, "s390x", {})
    assert result.returncode != 0
    assert "no pinned helm/kustomize checksum for architecture s390x" in result.stderr
    assert requested == [] and list(dest.iterdir()) == []


def test_container_action_rules() -> None:
    instructions = dockerfile()
    keywords = {i.keyword for i in instructions}
    # GitHub: container actions must run as the default user and must not set WORKDIR.
    assert "USER" not in keywords
    assert "WORKDIR" not in keywords
    final = max(i.stage for i in instructions)
    assert final >= 2, "multi-stage: tools, build, runtime"
    runs = " ".join(i.args for i in instructions if i.keyword == "RUN" and i.stage == final)
    assert "git config --system --add safe.directory /github/workspace" in runs
    assert re.search(r"apt-get install .*\bgit\b.*\bca-certificates\b", runs)
    env = env_of(instructions, final)
    assert env["PYTHONUNBUFFERED"] == "1"
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"
    for name in ("HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME", "XDG_CACHE_HOME"):
        assert env[name].startswith("/tmp/"), name
    copies = [i.args for i in instructions if i.keyword == "COPY" and i.stage == final]
    assert any(c.startswith("--from=tools ") and "helm" in c and "kustomize" in c for c in copies)
    assert any(c.startswith("--from=build /opt/venv") for c in copies)


def test_entrypoint_and_args_run_the_console_script_pr() -> None:
    (entry,) = [i.args for i in dockerfile() if i.keyword == "ENTRYPOINT"]
    argv = json.loads(entry)  # exec form: a JSON array, no shell in between
    argv += load_yaml(ROOT / "action.yml")["runs"]["args"]
    assert argv == ["argodiff", "pr"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["argodiff"] == "argodiff.__main__:main"


def test_build_stage_copies_only_the_package() -> None:
    instructions = dockerfile()
    build = stage_named(instructions, "build")
    sources = [
        src
        for i in instructions
        if i.keyword == "COPY" and i.stage == build
        for src in i.args.split()[:-1]
    ]
    assert sorted(sources) == ["README.md", "argodiff", "pyproject.toml"]


def test_dockerignore_keeps_the_context_to_what_the_build_copies() -> None:
    patterns = dockerignore_patterns()
    root = toplevel(ROOT)
    tracked = subprocess.run(
        ["git", "-C", str(root), "ls-files"], capture_output=True, text=True, check=True
    ).stdout.split()
    sent = {p for p in tracked if not dockerignore_excludes(p, patterns)}
    assert "pyproject.toml" in sent and "README.md" in sent
    assert "argodiff/__init__.py" in sent and "argodiff/cli/__init__.py" in sent
    assert all(p in {"pyproject.toml", "README.md"} or p.startswith("argodiff/") for p in sent)
    # The whole package reaches the build, its data files (argodiff/report/locales/…) too.
    assert {p for p in tracked if p.startswith("argodiff/")} <= sent
    # What the wheel build reads is in the context: the readme and the packages.
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["readme"] in sent
    for package in pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]:
        assert f"{package}/__init__.py" in sent
    for left_out in (".git", ".git/config", "tests/conftest.py", "argoproj", "docs",
                     ".github/workflows/ci.yaml", "argodiff/__pycache__/model.cpython-311.pyc",
                     ".venv/bin/python", ".mypy_cache/x.json"):  # fmt: skip
        assert dockerignore_excludes(left_out, patterns), left_out


def test_final_stage_has_neither_pip_nor_a_compiler() -> None:
    instructions = dockerfile()
    final = max(i.stage for i in instructions)
    runs = " ".join(i.args for i in instructions if i.keyword == "RUN" and i.stage == final)
    # The base image's own pip goes; the venv's pip is removed in the build stage.
    assert "python -m pip uninstall -y pip" in runs
    build = stage_named(instructions, "build")
    build_runs = " ".join(i.args for i in instructions if i.keyword == "RUN" and i.stage == build)
    assert "/opt/venv/bin/pip uninstall -y pip" in build_runs
    installs = re.findall(r"apt-get install -y --no-install-recommends ([^&;]+)", runs)
    assert [pkgs.split() for pkgs in installs] == [["git", "ca-certificates"]]
    assert not re.search(r"\b(gcc|g\+\+|clang|build-essential|make)\b", runs)


def test_image_carries_the_oci_labels() -> None:
    instructions = dockerfile()
    final = max(i.stage for i in instructions)
    labels: dict[str, str] = {}
    for ins in instructions:
        if ins.keyword == "LABEL" and ins.stage == final:
            pairs = re.findall(r'(\S+)=("[^"]*"|\S+)', ins.args)
            labels.update((k, v.strip('"')) for k, v in pairs)
    for key in ("source", "version", "revision", "licenses", "title"):
        assert f"org.opencontainers.image.{key}" in labels, key
    assert labels["org.opencontainers.image.version"] == "${VERSION}"
    assert labels["org.opencontainers.image.revision"] == "${REVISION}"
    assert labels["org.opencontainers.image.source"].startswith("https://github.com/")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert labels["org.opencontainers.image.licenses"] == pyproject["project"]["license"]["text"]
    args = {i.args.partition("=")[0] for i in instructions
            if i.keyword == "ARG" and i.stage == final}  # fmt: skip
    assert {"VERSION", "REVISION"} <= args


def test_the_version_build_arg_reaches_the_package_build() -> None:
    """The context has no .git: VERSION becomes setuptools-scm's pretend version."""
    instructions = dockerfile()
    build = stage_named(instructions, "build")
    (install,) = [i.args for i in instructions if i.keyword == "RUN" and i.stage == build
                  and "pip install" in i.args]  # fmt: skip
    assert 'export SETUPTOOLS_SCM_PRETEND_VERSION="$VERSION"' in install
    assert any(i.keyword == "ARG" and i.args.startswith("VERSION") and i.stage == build
               for i in instructions)  # fmt: skip
