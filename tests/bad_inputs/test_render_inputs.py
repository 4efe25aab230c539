"""Bad input to discovery and local rendering: each case one clear error naming the app and the
file, and the other apps still discovered and rendered."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from argodiff.discover.applications import discover_applications
from argodiff.errors import AppError
from argodiff.render import Renderer
from argodiff.repo.identity import RepoIdentity
from tests.render.conftest import (
    REPO_URL,
    ChartRepo,
    application,
    configmap,
    make_chart,
    make_renderer,
    require_helm,
    served_chart_repo,
    write,
)

BAD_FILE = "argoproj/bad/application.yaml"
BIG = 50 * 1024 * 1024
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(8)
)


def _app_yaml(name: str, body: str = "") -> str:
    return textwrap.dedent(
        f"""\
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata:
          name: {name}
        spec:
          destination: {{server: https://kubernetes.default.svc, namespace: {name}}}
        """
    ) + (body or f"  source: {{repoURL: {REPO_URL}, path: argoproj/{name}}}\n")


@dataclass
class DiscoveryCase:
    id: str
    content: str | bytes
    expect: str
    """A fragment of the error message."""
    app: str = ""
    """The app the error must name, when the file says which app it is."""


DISCOVERY_CASES = [
    DiscoveryCase("invalid-yaml", _app_yaml("bad") + "  oops: [unclosed\n", "invalid YAML"),
    DiscoveryCase("bad-indentation", _app_yaml("bad") + "\tsource: {}\n", "invalid YAML"),
    DiscoveryCase("alias-bomb", "kind: Application\n" + ALIAS_BOMB, "YAML alias bomb"),
    DiscoveryCase(
        "duplicate-keys", _app_yaml("bad") + "metadata: {name: again}\n", "duplicate key"
    ),
    DiscoveryCase("non-mapping", "- kind: Application\n", "document 1 is a list, not a mapping"),
    DiscoveryCase("scalar", "--- Application\n", "document 1 is a str, not a mapping"),
    DiscoveryCase(
        "missing-kind",
        "apiVersion: argoproj.io/v1alpha1\nmetadata: {name: bad}  # an Application\n",
        "argoproj.io object without kind",
    ),
    DiscoveryCase(
        "missing-name",
        _app_yaml("bad").replace("  name: bad\n", "  labels: {a: b}\n"),
        "Application without metadata.name",
    ),
    DiscoveryCase(
        "missing-source", _app_yaml("bad", "  project: default\n"), "spec.source", app="bad"
    ),
    DiscoveryCase(
        "spec-not-mapping",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: bad}\nspec: [1]\n",
        "spec is missing or not a mapping",
        app="bad",
    ),
    DiscoveryCase(
        "sources-not-a-list",
        _app_yaml("bad", "  sources: {repoURL: x}\n"),
        "spec.sources is not a list",
        app="bad",
    ),
    DiscoveryCase(
        "source-not-mapping",
        _app_yaml("bad", "  sources: [just-a-string]\n"),
        "a source must be a mapping",
        app="bad",
    ),
    DiscoveryCase(
        "destination-not-mapping",
        _app_yaml("bad").replace("  destination: {", "  destination: [").replace("}\n", "]\n", 1),
        "spec.destination is not a mapping",
        app="bad",
    ),
    DiscoveryCase(
        "ignore-differences-not-mapping",
        _app_yaml("bad") + "  ignoreDifferences: [jsonPointers]\n",
        "ignoreDifferences entry must be a mapping",
        app="bad",
    ),
    DiscoveryCase(
        "binary", b"\x7fELF\x00\x01\x02 Application \x00", "binary file (contains NUL bytes)"
    ),
    DiscoveryCase("not-utf8", _app_yaml("bad").encode() + b"# caf\xe9\n", "not UTF-8 text"),
    DiscoveryCase(
        "python-tag",
        _app_yaml("bad") + "  x: !!python/object/apply:os.system ['true']\n",
        "invalid YAML",
    ),
    DiscoveryCase("deep-nesting", "kind: Application\nx: " + "[" * 5000 + "]" * 5000, "YAML"),
]


def _good_tree(root: Path) -> None:
    write(root, "argoproj/good/application.yaml", _app_yaml("good"))
    write(root, "argoproj/good/cm.yaml", configmap("good"))


@pytest.mark.parametrize("case", DISCOVERY_CASES, ids=lambda c: c.id)
def test_discovery_reports_the_file_and_finds_the_rest(tmp_path: Path, case: DiscoveryCase) -> None:
    _good_tree(tmp_path)
    path = tmp_path / BAD_FILE
    path.parent.mkdir(parents=True)
    path.write_bytes(case.content if isinstance(case.content, bytes) else case.content.encode())
    found = discover_applications(tmp_path)
    assert [a.name for a in found.apps] == ["good"]
    [error] = found.errors
    assert error.file == BAD_FILE
    assert error.app == case.app
    assert case.expect in str(error)
    assert "Traceback" not in str(error)


@pytest.mark.parametrize(
    "prefix, newline",
    [pytest.param(b"\xef\xbb\xbf", "\n", id="bom"), pytest.param(b"", "\r\n", id="crlf")],
)
def test_bom_and_crlf_are_fine(tmp_path: Path, prefix: bytes, newline: str) -> None:
    _good_tree(tmp_path)
    path = tmp_path / "argoproj/other/application.yaml"
    path.parent.mkdir(parents=True)
    path.write_bytes(prefix + _app_yaml("other").replace("\n", newline).encode())
    found = discover_applications(tmp_path)
    assert found.errors == []
    assert sorted(a.name for a in found.apps) == ["good", "other"]


def test_a_50_mb_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    _good_tree(tmp_path)
    path = tmp_path / BAD_FILE
    path.parent.mkdir(parents=True)
    with path.open("wb") as fh:
        fh.write(_app_yaml("bad").encode())
        fh.truncate(BIG)  # sparse: no 50 MB written to disk or held in memory
    found = discover_applications(tmp_path)
    assert [a.name for a in found.apps] == ["good"]
    assert [str(e) for e in found.errors] == [f"{BAD_FILE}: file is larger than 10 MiB; not read"]


def test_same_app_in_two_files(tmp_path: Path) -> None:
    _good_tree(tmp_path)
    write(tmp_path, BAD_FILE, _app_yaml("good"))
    found = discover_applications(tmp_path)
    assert found.apps == []
    [error] = found.errors
    assert error.app == "good"
    assert f"{BAD_FILE}, argoproj/good/application.yaml" in str(error)


def test_empty_and_comment_only_files_are_passed_over(tmp_path: Path) -> None:
    _good_tree(tmp_path)
    write(tmp_path, "argoproj/empty.yaml", "")
    write(tmp_path, "argoproj/comments.yaml", "# kind: Application, some day\n---\n")
    found = discover_applications(tmp_path)
    assert [a.name for a in found.apps] == ["good"]
    assert found.errors == []


# --- rendering -------------------------------------------------------------------------------


@dataclass
class RenderCase:
    id: str
    files: dict[str, str | bytes]
    source: dict[str, Any]
    expect: str
    file: str
    """What the error must name: the file, the source path or the Application file."""
    needs: list[str] = field(default_factory=list)


def _kustomization(body: str) -> dict[str, str | bytes]:
    return {"argoproj/bad/kustomization.yaml": body, "argoproj/bad/cm.yaml": configmap("bad")}


BAD_SOURCE = {"path": "argoproj/bad"}
RENDER_CASES = [
    RenderCase(
        "invalid-yaml",
        {"argoproj/bad/cm.yaml": "kind: ConfigMap\nmetadata: {name: [\n"},
        BAD_SOURCE,
        "invalid YAML",
        "argoproj/bad/cm.yaml",
    ),
    RenderCase(
        "alias-bomb",
        {"argoproj/bad/x.yaml": ALIAS_BOMB},
        BAD_SOURCE,
        "alias bomb",
        "argoproj/bad/x.yaml",
    ),
    RenderCase(
        "duplicate-keys",
        {"argoproj/bad/cm.yaml": configmap("bad") + "kind: Secret\n"},
        BAD_SOURCE,
        "duplicate key 'kind'",
        "argoproj/bad/cm.yaml",
    ),
    RenderCase(
        "non-mapping",
        {"argoproj/bad/cm.yaml": "- a\n- b\n"},
        BAD_SOURCE,
        "document 1 is a list, not a mapping",
        "argoproj/bad/cm.yaml",
    ),
    RenderCase(
        "missing-kind",
        {"argoproj/bad/cm.yaml": "apiVersion: v1\nmetadata: {name: x}\n"},
        BAD_SOURCE,
        "object 1 has no kind",
        "argoproj/bad/cm.yaml",
    ),
    RenderCase(
        "missing-name",
        {"argoproj/bad/cm.yaml": configmap("x") + "---\napiVersion: v1\nkind: ConfigMap\n"},
        BAD_SOURCE,
        "object 2 has no metadata.name",
        "argoproj/bad/cm.yaml",
    ),
    RenderCase(
        "binary",
        {"argoproj/bad/blob.yaml": b"\x00\x01\x02\x03"},
        BAD_SOURCE,
        "binary file",
        "argoproj/bad/blob.yaml",
    ),
    RenderCase(
        "not-utf8",
        {"argoproj/bad/cm.yaml": configmap("x").encode() + b"# \xff\xfe\n"},
        BAD_SOURCE,
        "not UTF-8 text",
        "argoproj/bad/cm.yaml",
    ),
    RenderCase(
        "invalid-json",
        {"argoproj/bad/cm.json": '{"kind": "ConfigMap",'},
        BAD_SOURCE,
        "invalid YAML",
        "argoproj/bad/cm.json",
    ),
    RenderCase("missing-path", {}, BAD_SOURCE, "does not exist", "argoproj/bad"),
    RenderCase(
        "path-is-a-file",
        {"argoproj/bad": configmap("x")},
        BAD_SOURCE,
        "is not a directory",
        "argoproj/bad",
    ),
    RenderCase(
        "plugin",
        {"argoproj/bad/cm.yaml": configmap("x")},
        {"path": "argoproj/bad", "plugin": {"name": "sops"}},
        "config management plugin",
        "argoproj/bad",
    ),
    RenderCase(
        "kustomization-cycle",
        {
            "argoproj/bad/kustomization.yaml": "resources: [../loop]\n",
            "argoproj/loop/kustomization.yaml": "resources: [../bad]\n",
        },
        BAD_SOURCE,
        "cycle detected",
        "argoproj/bad",
    ),
    RenderCase(
        "kustomization-invalid-yaml",
        _kustomization("resources: [cm.yaml\n"),
        BAD_SOURCE,
        "kubectl: ",
        "argoproj/bad",
    ),
    RenderCase(
        "kustomization-unknown-field",
        _kustomization("resources: [cm.yaml]\nnotAField: 1\n"),
        BAD_SOURCE,
        "notAField",
        "argoproj/bad",
    ),
    RenderCase(
        "kustomize-missing-patch-file",
        _kustomization("resources: [cm.yaml]\n"),
        {"path": "argoproj/bad", "kustomize": {"patches": [{"path": "nope.yaml"}]}},
        "patch file 'nope.yaml' does not exist",
        "argoproj/bad",
    ),
    RenderCase(
        "kustomize-missing-component",
        _kustomization("resources: [cm.yaml]\n"),
        {"path": "argoproj/bad", "kustomize": {"components": ["../nope"]}},
        "kustomize component '../nope' does not exist",
        "argoproj/bad",
    ),
    RenderCase(
        "kustomize-bad-image",
        _kustomization("resources: [cm.yaml]\n"),
        {"path": "argoproj/bad", "kustomize": {"images": ["nginx="]}},
        "invalid image 'nginx='",
        BAD_FILE,
    ),
    RenderCase(
        "kustomize-bad-replicas",
        _kustomization("resources: [cm.yaml]\n"),
        {"path": "argoproj/bad", "kustomize": {"replicas": [{"name": "web", "count": "many"}]}},
        "numeric count",
        BAD_FILE,
    ),
    RenderCase(
        "helm-missing-value-file",
        {},
        {"path": "argoproj/greeter", "helm": {"valueFiles": ["nope.yaml"]}},
        "value file 'nope.yaml' does not exist",
        "argoproj/greeter",
        needs=["helm", "chart"],
    ),
    RenderCase(
        "helm-template-error",
        {"argoproj/greeter/templates/bad.yaml": "{{ .Values.x.y.z }}\n"},
        {"path": "argoproj/greeter"},
        "helm: ",
        "argoproj/greeter",
        needs=["helm", "chart"],
    ),
    RenderCase(
        "helm-invalid-chart-yaml",
        {"argoproj/greeter/Chart.yaml": "apiVersion: v2\nname: [\n"},
        {"path": "argoproj/greeter"},
        "invalid YAML",
        "argoproj/greeter/Chart.yaml",
        needs=["helm", "chart"],
    ),
    RenderCase(
        "helm-render-not-yaml",
        {"argoproj/greeter/templates/bad.yaml": "kind: ConfigMap\nmetadata: {name: [\n"},
        {"path": "argoproj/greeter"},
        "helm: ",
        "argoproj/greeter",
        needs=["helm", "chart"],
    ),
    RenderCase(
        "chart-does-not-exist",
        {},
        {"chart": "nope", "targetRevision": "1.0.0"},
        "cannot get chart nope 1.0.0",
        BAD_FILE,
        needs=["helm", "chart-repo"],
    ),
    RenderCase(
        "chart-version-does-not-exist",
        {},
        {"chart": "greeter", "targetRevision": "7.0.0"},
        "cannot get chart greeter 7.0.0",
        BAD_FILE,
        needs=["helm", "chart-repo"],
    ),
    RenderCase(
        "ref-without-source",
        {},
        {"chart": "greeter", "targetRevision": "0.1.0", "helm": {"valueFiles": ["$v/x.yaml"]}},
        "no source has ref: v",
        "http://",
        needs=["helm", "chart-repo"],
    ),
]


@pytest.fixture(scope="module")
def chart_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChartRepo]:
    with served_chart_repo(tmp_path_factory.mktemp("helm"), require_helm()) as served:
        yield served


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A checkout whose `good` app renders."""
    write(tmp_path / "repo", "argoproj/good/cm.yaml", configmap("good"))
    return tmp_path / "repo"


@pytest.fixture
def renderer(repo: Path, tmp_path: Path) -> Iterator[Renderer]:
    with make_renderer(repo) as r:
        yield r


def _render_bad_then_good(renderer: Renderer, source: dict[str, Any]) -> AppError:
    with pytest.raises(AppError) as err:
        renderer.render(application("bad", source))
    good = renderer.render(application("good", {"path": "argoproj/good"}))
    assert [o["metadata"]["name"] for o in good] == ["good"]
    return err.value


@pytest.mark.parametrize("case", RENDER_CASES, ids=lambda c: c.id)
def test_render_error_names_app_and_file(
    case: RenderCase, repo: Path, renderer: Renderer, request: pytest.FixtureRequest
) -> None:
    source = dict(case.source)
    if "helm" in case.needs:
        require_helm()
    if "chart" in case.needs:
        make_chart(repo / "argoproj", "greeter")
    if "chart-repo" in case.needs:
        chart_repo: ChartRepo = request.getfixturevalue("chart_repo")
        source["repoURL"] = chart_repo.url
    for rel, content in case.files.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    error = _render_bad_then_good(renderer, source)
    assert error.app == "bad"
    assert error.file.startswith(case.file)
    assert case.expect in str(error)
    assert "Traceback" not in str(error)


def test_symlink_out_of_the_repository(repo: Path, renderer: Renderer) -> None:
    write(repo, "argoproj/bad/cm.yaml", configmap("x"))
    (repo / "argoproj/bad/passwd.yaml").symlink_to("/etc/passwd")
    error = _render_bad_then_good(renderer, BAD_SOURCE)
    assert str(error) == (
        "app bad, argoproj/bad/passwd.yaml: symbolic link to /etc/passwd points outside the "
        "repository: refused (Argo CD's repo-server refuses such links too)"
    )


def test_50_mb_file_in_a_directory_source(repo: Path, renderer: Renderer) -> None:
    path = repo / "argoproj/bad/huge.yaml"
    path.parent.mkdir(parents=True)
    with path.open("wb") as fh:
        fh.truncate(BIG)  # sparse: nothing is written or read
    error = _render_bad_then_good(renderer, BAD_SOURCE)
    assert error.file == "argoproj/bad/huge.yaml"
    assert "combined size limit of 10,000,000 bytes" in str(error)


@pytest.mark.parametrize(
    "prefix, newline",
    [pytest.param(b"\xef\xbb\xbf", "\n", id="bom"), pytest.param(b"", "\r\n", id="crlf")],
)
def test_bom_and_crlf_manifests_render(
    repo: Path, renderer: Renderer, prefix: bytes, newline: str
) -> None:
    path = repo / "argoproj/other/cm.yaml"
    path.parent.mkdir(parents=True)
    path.write_bytes(prefix + configmap("other", k="v").replace("\n", newline).encode())
    objs = renderer.render(application("other", {"path": "argoproj/other"}))
    assert objs == [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "other"}, "data": {"k": "v"}}
    ]


def test_without_remotes_a_missing_path_is_reported_as_missing(tmp_path: Path) -> None:
    identity = RepoIdentity.of_checkout(tmp_path)
    with (
        Renderer(tmp_path, identity=identity) as local,
        pytest.raises(AppError) as err,
    ):
        local.render(application("gone", {"path": "argoproj/gone"}))
    assert str(err.value) == ("app gone, argoproj/gone: source path 'argoproj/gone' does not exist")
