"""The release: release.yaml's jobs and permissions, and its steps run for real on a throwaway
repository. A tag, CHANGELOG.md, the built packages, `argodiff --version` and the released
action.yml must all say the same version and point at the same image."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from scripts import release
from tests.action.files import ACTION, ROOT, load_yaml, workflow

VERSION = "1.2.3"
IMAGE = "ghcr.io/boxp/argodiff"
DIGEST = "sha256:" + "ab12" * 16
GIT_ID = ["-c", "user.name=maintainer", "-c", "user.email=maintainer@example.invalid"]


def require_build_tools() -> None:
    """The package build needs the test extras' `build` and `hatch-vcs` (pyproject.toml)."""
    missing = [m for m in ("build", "hatch_vcs") if importlib.util.find_spec(m) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not installed: run pip install -e '.[test]'")


def job(name: str) -> dict[str, Any]:
    jobs: dict[str, Any] = workflow("release.yaml")["jobs"]
    return dict(jobs[name])


def step(job_name: str, name: str) -> dict[str, Any]:
    (found,) = [s for s in job(job_name)["steps"] if s.get("name") == name]
    return dict(found)


def uses(job_name: str, action: str) -> dict[str, Any]:
    (found,) = [
        s for s in job(job_name)["steps"] if str(s.get("uses", "")).startswith(action + "@")
    ]
    return dict(found)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *GIT_ID, *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def release_py(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "scripts/release.py", *args],
        cwd=cwd, capture_output=True, text=True, check=False,
    )  # fmt: skip


# --- the workflow as written ------------------------------------------------------------------

# What each job may do, and nothing more (the workflow default is no permission at all).
PERMISSIONS = {
    "check": {"contents": "read"},
    "dist": {"contents": "read"},
    "image": {
        "contents": "read",
        "packages": "write",
        "id-token": "write",
        "attestations": "write",
    },
    "pin": {"contents": "write"},
    "pypi": {"id-token": "write"},
    "github-release": {"contents": "write"},
}


def test_release_runs_on_version_tags_with_least_privilege_per_job() -> None:
    flow = workflow("release.yaml")
    assert flow["on"] == {"push": {"tags": ["v[0-9]+.[0-9]+.[0-9]+"]}}
    assert flow["permissions"] == {}
    assert flow["concurrency"]["cancel-in-progress"] is False
    assert {name: j["permissions"] for name, j in flow["jobs"].items()} == PERMISSIONS
    # The moving tags vX and vX.Y never start a release, and nothing runs before the check.
    for name, j in flow["jobs"].items():
        if name != "check":
            assert "check" in j["needs"], name
    # Tokens stay out of .git/config: every checkout opts out of persisted credentials.
    for name, j in flow["jobs"].items():
        for s in j["steps"]:
            if str(s.get("uses", "")).startswith("actions/checkout@"):
                assert s["with"]["persist-credentials"] is False, name


def test_check_job_validates_the_tag_and_runs_the_suite() -> None:
    runs = [str(s.get("run", "")) for s in job("check")["steps"]]
    assert any('scripts/release.py check "$TAG"' in r for r in runs)
    assert any("git merge-base --is-ancestor" in r for r in runs)
    assert "bash .ci/run" in runs
    assert step("check", "The tag, the changelog and the image name")["env"]["TAG"] == (
        "${{ github.ref_name }}"
    )


def test_image_job_builds_both_platforms_pushes_every_tag_and_signs() -> None:
    build = uses("image", "docker/build-push-action")["with"]
    assert build["platforms"] == "linux/amd64,linux/arm64"
    assert build["push"] is True
    assert build["sbom"] is True
    assert build["provenance"] == "mode=max"
    assert "VERSION=${{ needs.check.outputs.version }}" in build["build-args"]
    assert "REVISION=${{ github.sha }}" in build["build-args"]
    meta = uses("image", "docker/metadata-action")["with"]
    assert meta["tags"].split() == [
        "type=semver,pattern=v{{version}}",
        "type=semver,pattern=v{{major}}.{{minor}}",
        "type=semver,pattern=v{{major}}",
    ]
    assert meta["flavor"] == "latest=false"
    attest = uses("image", "actions/attest-build-provenance")["with"]
    assert attest["subject-digest"] == "${{ steps.build.outputs.digest }}"
    assert attest["push-to-registry"] is True
    uses("image", "sigstore/cosign-installer")
    sign = step("image", "Sign the image (keyless, this workflow's OIDC identity)")
    assert sign["run"].strip() == 'cosign sign --yes "$IMAGE@$DIGEST"'
    smoke = step("image", "Verify the signature and smoke-test the pushed image")["run"]
    assert "cosign verify" in smoke and "--certificate-oidc-issuer" in smoke
    assert '= "argodiff, version $VERSION"' in smoke
    assert "helm" in smoke and "kustomize" in smoke
    assert job("image")["outputs"]["digest"] == "${{ steps.build.outputs.digest }}"


def test_pypi_uses_trusted_publishing_and_the_release_takes_the_changelog() -> None:
    pypi = job("pypi")
    assert pypi["environment"]["name"] == "pypi"
    publish = uses("pypi", "pypa/gh-action-pypi-publish")
    # No token: PyPI exchanges the job's OIDC token (id-token: write above).
    assert "password" not in publish.get("with", {})
    assert "pin" in pypi["needs"], "nothing is published before the action points at the image"
    notes = step("github-release", "Release notes from CHANGELOG.md")["run"]
    assert 'scripts/release.py notes "$VERSION"' in notes
    create = step("github-release", "Create the release")["run"]
    assert 'gh release create "v$VERSION" dist/*' in create and "--verify-tag" in create
    assert "--notes-file" in create
    dist = " ".join(str(s.get("run", "")) for s in job("dist")["steps"])
    assert "python -m build" in dist and "--dist dist" in dist
    assert "twine check --strict dist/*" in dist


# --- the steps, run on a throwaway repository --------------------------------------------------


@dataclass(frozen=True)
class Released:
    origin: Path  # bare repository standing in for GitHub
    work: Path  # a clone at the tag, as actions/checkout leaves it
    tagged: str  # the commit the maintainer tagged


def project_copy(dest: Path) -> Path:
    """What a release builds from: the package, its metadata, the changelog, action.yml."""
    dest.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("argodiff", "scripts"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md", "CHANGELOG.md", "action.yml"):
        shutil.copy(ROOT / name, dest / name)
    return dest


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Released:
    """The maintainer's part (docs/releasing.md): cut the changelog, commit, tag, push."""
    require_build_tools()
    base = tmp_path_factory.mktemp("release")
    maintainer = project_copy(base / "maintainer")
    git(maintainer, "init", "-q", "-b", "main")
    git(maintainer, "add", "-A")
    git(maintainer, "commit", "-qm", "argodiff")
    result = release_py("cut", VERSION, "--date", "2026-12-06", cwd=maintainer)
    assert result.returncode == 0, result.stderr
    git(maintainer, "commit", "-qam", f"Release {VERSION}")
    git(maintainer, "tag", "-a", f"v{VERSION}", "-m", f"argodiff {VERSION}")
    origin = base / "origin.git"
    git(base, "clone", "-q", "--bare", str(maintainer), str(origin))
    work = base / "work"
    git(base, "clone", "-q", str(origin), str(work))
    git(work, "checkout", "-q", f"v{VERSION}")
    return Released(origin, work, git(maintainer, "rev-parse", "HEAD"))


def run_step(job_name: str, name: str, cwd: Path, env: dict[str, str]) -> str:
    """A `run:` step as the runner runs it: `bash -e {0}` with the job's and step's env."""
    found = step(job_name, name)
    full_env = {"PATH": os.environ["PATH"], "HOME": str(cwd), **found.get("env", {}), **env}
    script = found["run"]
    result = subprocess.run(
        ["bash", "-e", "-c", script], cwd=cwd, env=full_env,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_version_changelog_packages_and_action_agree(released: Released, tmp_path: Path) -> None:
    work = released.work
    # check job: the tag and the changelog.
    check = release_py("check", f"v{VERSION}", cwd=work)
    assert check.returncode == 0, check.stderr
    assert check.stdout.strip() == VERSION
    # dist job: hatch-vcs takes the version from the tag (sdist first, the wheel from the sdist).
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(work)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert build.returncode == 0, build.stdout + build.stderr
    checked = release_py("check", f"v{VERSION}", "--dist", str(dist), cwd=work)
    assert checked.returncode == 0, checked.stderr
    # `argodiff --version` of the installed wheel.
    site = tmp_path / "site"
    with zipfile.ZipFile(next(dist.glob("*.whl"))) as whl:
        whl.extractall(site)
    shown = subprocess.run(
        [sys.executable, "-m", "argodiff", "--version"], cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(site)}, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert shown == f"argodiff, version {VERSION}"
    # Every file of the package is in the wheel: the data it reads (report languages, the
    # results schema, the Kubernetes type table) as well as the code.
    tracked = git(work, "ls-files", "argodiff").split("\n")
    assert [p for p in tracked if not (site / p).is_file()] == []
    # The release notes are the changelog section of that version.
    notes = release_py("notes", VERSION, cwd=work)
    assert notes.returncode == 0 and notes.stdout.startswith("The first release")
    assert "### Added" in notes.stdout


def test_pin_steps_point_the_tags_at_a_commit_whose_action_pulls_the_digest(
    released: Released,
) -> None:
    """release.yaml's `pin` job, both steps, on a sample digest; the origin is a bare repo."""
    env = {"IMAGE": IMAGE, "DIGEST": DIGEST, "VERSION": VERSION, "GH_TOKEN": "ghs_sample"}
    out = run_step("pin", "Point action.yml at the signed image", released.work, env)
    assert out.strip() == f"action.yml: image docker://{IMAGE}@{DIGEST}"
    run_step("pin", "Commit it and move vX.Y.Z, vX.Y and vX to that commit", released.work, env)

    origin = released.origin
    commit = git(origin, "rev-parse", f"v{VERSION}^{{commit}}")
    assert commit != released.tagged
    assert git(origin, "rev-parse", f"{commit}^") == released.tagged
    assert git(origin, "rev-parse", "v1.2^{commit}") == commit
    assert git(origin, "rev-parse", "v1^{commit}") == commit
    assert git(origin, "cat-file", "-t", f"v{VERSION}") == "tag"  # annotated
    assert git(origin, "diff", "--name-only", released.tagged, commit) == "action.yml"
    assert git(origin, "log", "-1", "--format=%s", commit) == (
        f"Release v{VERSION}: action.yml pulls {IMAGE}@{DIGEST}"
    )
    assert "ghs_sample" not in (released.work / ".git" / "config").read_text()

    # The released action.yml: the same action, pulling the image by digest.
    pinned = released.work / "action.yml"
    assert git(origin, "show", "v1:action.yml") == pinned.read_text().rstrip("\n")
    before, after = load_yaml(ACTION), load_yaml(pinned)
    assert after["runs"]["image"] == f"docker://{IMAGE}@{DIGEST}"
    before["runs"]["image"] = after["runs"]["image"]
    assert after == before
    schema = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-actions",
         str(pinned)], capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert schema.returncode == 0, schema.stdout + schema.stderr


@pytest.mark.parametrize(
    ("image", "digest", "message"),
    [
        (IMAGE, "sha256:abc", "is not an image digest"),
        (IMAGE, "latest", "is not an image digest"),
        ("ghcr.io/BoxP/argodiff", DIGEST, "lower case"),
        ("docker.io/boxp/argodiff", DIGEST, "is not a ghcr.io"),
    ],
)
def test_pin_action_refuses_what_is_not_an_image_digest(
    tmp_path: Path, image: str, digest: str, message: str
) -> None:
    action = tmp_path / "action.yml"
    shutil.copy(ACTION, action)
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/release.py"), "pin-action", "--image", image,
         "--digest", digest, "--action", str(action)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert message in result.stderr
    assert action.read_text() == ACTION.read_text()


def test_pin_action_runs_once() -> None:
    pinned = release.pin_action(ACTION.read_text(), IMAGE, DIGEST)
    with pytest.raises(release.ReleaseError, match="exactly one line"):
        release.pin_action(pinned, IMAGE, DIGEST)


def test_a_tag_the_changelog_does_not_release_stops_the_release(released: Released) -> None:
    for tag, message in [
        ("v1.2.4", "newest release is 1.2.3, not 1.2.4"),
        ("v1.2", "is not a release tag vX.Y.Z"),
        ("1.2.3", "is not a release tag vX.Y.Z"),
    ]:
        result = release_py("check", tag, cwd=released.work)
        assert result.returncode == 2, tag
        assert message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


def test_packages_built_from_wrong_version_are_refused(released: Released, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "argodiff-1.2.4.tar.gz").write_bytes(b"")
    result = release_py("check", f"v{VERSION}", "--dist", str(dist), cwd=released.work)
    assert result.returncode == 2
    assert f"expected argodiff-{VERSION}.tar.gz" in result.stderr


# --- the changelog -----------------------------------------------------------------------------


def test_changelog_is_keep_a_changelog_with_an_unreleased_section() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n")
    assert "keepachangelog.com" in text
    sections = release.parse_changelog(text)
    assert sections[0].name == "Unreleased"
    # The next release can be cut from it as it stands.
    cut = release.parse_changelog(release.cut(text, "99.0.0", date(2027, 1, 1)))
    assert [s.name for s in cut[:2]] == ["Unreleased", "99.0.0"]
    assert cut[1].body == sections[0].body
    assert release.notes(release.cut(text, "99.0.0", date(2027, 1, 1)),
                         "99.0.0") == sections[0].body  # fmt: skip


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("## [Unreleased]", "## [Next]"), "first section must be"),
        (lambda t: t.replace("### Added", "### New stuff"), "use one of Added"),
        (lambda t: t.replace("[Unreleased]: ", "[Elsewhere]: "), "no link reference"),
    ],
)
def test_a_malformed_changelog_is_named(edit: Any, message: str) -> None:
    text = edit((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"))
    with pytest.raises(release.ReleaseError, match=message):
        release.parse_changelog(text)


def test_cut_refuses_an_older_version_or_an_empty_unreleased() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    once = release.cut(text, "2.0.0", date(2027, 1, 1))
    with pytest.raises(release.ReleaseError, match="nothing under"):
        release.cut(once, "2.0.1", date(2027, 1, 2))
    again = once.replace("## [Unreleased]\n", "## [Unreleased]\n\n### Fixed\n\n- a fix\n", 1)
    with pytest.raises(release.ReleaseError, match=r"not newer than the last release 2\.0\.0"):
        release.cut(again, "1.9.0", date(2027, 1, 2))
    twice = release.cut(again, "2.0.1", date(2027, 1, 2))
    assert "[2.0.1]: https://github.com/boxp/lolice/compare/v2.0.0...v2.0.1" in twice
    assert "[Unreleased]: https://github.com/boxp/lolice/compare/v2.0.1...HEAD" in twice


# --- the version without a tag, or without git ---------------------------------------------------


def built_version(src: Path, out: Path, env: dict[str, str] | None = None) -> str:
    require_build_tools()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SETUPTOOLS_SCM")}
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(out),
         str(src)],
        capture_output=True, text=True, check=False, env=clean | (env or {}),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = out.glob("*.whl")
    return wheel.name.split("-")[1]


def test_docker_build_context_without_git_takes_the_version_argument(tmp_path: Path) -> None:
    """What the Dockerfile's build stage sees: pyproject.toml, README.md, argodiff/, no .git."""
    context = tmp_path / "context"
    context.mkdir()
    shutil.copytree(ROOT / "argodiff", context / "argodiff",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, context / name)
    # pyproject.toml's fallback when nothing says otherwise (a plain `docker build`)...
    assert built_version(context, tmp_path / "plain") == "0.0.0"
    # ...and the release's `--build-arg VERSION=…`, as the Dockerfile exports it.
    pretend = {"SETUPTOOLS_SCM_PRETEND_VERSION": VERSION}
    assert built_version(context, tmp_path / "release", pretend) == VERSION


def test_a_clone_without_tags_still_installs(tmp_path: Path) -> None:
    """CI's fresh shallow clone has no tags: a development version, never an error."""
    repo = project_copy(tmp_path / "clone")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "no tags")
    version = built_version(repo, tmp_path / "out")
    assert version.startswith("0.0.1.dev1"), version


def test_the_package_version_is_the_installed_metadata() -> None:
    from importlib.metadata import version

    import argodiff

    assert argodiff.__version__ == version("argodiff")
    result = subprocess.run(
        [sys.executable, "-m", "argodiff", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == f"argodiff, version {argodiff.__version__}"


def test_action_metadata_on_main_builds_and_the_docs_say_when() -> None:
    """Main's action.yml builds the Dockerfile (`uses: ./`); only a release pins a digest."""
    assert load_yaml(ACTION)["runs"]["image"] == "Dockerfile"
    assert release.DEV_IMAGE_LINE in ACTION.read_text()
    docs = (ROOT / "docs" / "action.md").read_text(encoding="utf-8")
    assert "@v1" in docs and "uses: ./" in docs
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/releasing.md" in readme
    assert json.loads((ROOT / "docker" / "tool-versions.json").read_text())


def test_release_notes_step_is_the_changelog_section_and_the_image(
    released: Released, tmp_path: Path
) -> None:
    env = {"VERSION": VERSION, "IMAGE": IMAGE, "DIGEST": DIGEST, "RUNNER_TEMP": str(tmp_path),
           "REPOSITORY": "boxp/lolice"}  # fmt: skip
    run_step("github-release", "Release notes from CHANGELOG.md", released.work, env)
    notes = (tmp_path / "notes.md").read_text()
    section = release.notes((released.work / "CHANGELOG.md").read_text(), VERSION)
    assert notes.startswith(section)
    assert f"`{IMAGE}@{DIGEST}` (tags `v1.2.3`, `v1.2`, `v1`;" in notes
    assert f"gh attestation verify oci://{IMAGE}@{DIGEST} --repo boxp/lolice" in notes
