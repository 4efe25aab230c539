"""Generators and templates against the ApplicationSet controller's behaviour, one
ApplicationSet at a time (the CLI tests cover the end-to-end paths)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from argodiff.appsets.clusters import Cluster, ClusterList, ClusterSource, load_clusters_file
from argodiff.appsets.expand import AppSetOptions, Expansion, expand
from argodiff.appsets.params import fasttemplate, flatten, sanitize_name
from argodiff.errors import ConfigError
from tests.appsets.fixtures import template
from tests.fixture_repo import REPO_URL

needs_helm = pytest.mark.skipif(shutil.which("helm") is None, reason="goTemplate needs helm")


def run(root: Path, generators: list[Any], tmpl: dict[str, Any], **spec: Any) -> Expansion:
    options = spec.pop("options", AppSetOptions())
    doc = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "ApplicationSet",
        "metadata": {"name": "set", "namespace": "apps"},
        "spec": {"generators": generators, "template": tmpl, **spec},
    }
    return expand(doc, "argoproj/set.yaml", root, options)


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def names(result: Expansion) -> list[str]:
    assert result.ok, result.error or result.not_generated
    return [a.name for a in result.apps]


def namespaces(result: Expansion) -> dict[str, str]:
    return {a.name: a.destination_namespace for a in result.apps}


def test_parameters_as_the_controller_writes_them() -> None:
    assert sanitize_name("My_App.v2--") == "my-app.v2"
    assert flatten({"a": {"b": 1, "c": [True, "x"]}}) == {"a.b": "1", "a.c.0": "true", "a.c.1": "x"}
    # Unknown tags stay as written; spaces inside the braces are trimmed.
    assert fasttemplate("{{ a }}-{{b}}-{{}}", {"a": "1"}) == "1-{{b}}-{{}}"


def test_git_files_with_path_param_prefix(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "clusters/eu/config.json": json.dumps({"cluster": {"name": "eu-1"}, "size": 3}),
            "clusters/us/config.json": json.dumps([{"cluster": {"name": "us-1"}, "size": 1}]),
            "clusters/old/config.json": json.dumps({"cluster": {"name": "old"}, "size": 0}),
        },
    )
    files = {
        "git": {
            "repoURL": REPO_URL,
            "files": [
                {"path": "clusters/**/config.json"},
                {"path": "clusters/old/*", "exclude": True},
            ],
            "pathParamPrefix": "src",
        }
    }
    result = run(
        tmp_path,
        [files],
        template("{{cluster.name}}-{{src.path.basename}}", "{{src.path}}", "n{{size}}"),
    )
    assert names(result) == ["eu-1-eu", "us-1-us"]
    assert namespaces(result) == {"eu-1-eu": "n3", "us-1-us": "n1"}
    assert result.reads == ("clusters/eu/config.json", "clusters/us/config.json")
    assert result.apps[0].sources[0].path == "clusters/eu"


@needs_helm
def test_git_files_go_template_path_object(tmp_path: Path) -> None:
    write(tmp_path, {"envs/Prod_EU/values.yaml": "replicas: 3\n"})
    files = {"git": {"repoURL": REPO_URL, "files": [{"path": "envs/*/values.yaml"}]}}
    tmpl = template(
        "{{ .path.basenameNormalized }}-{{ .path.filenameNormalized }}",
        "{{ index .path.segments 0 }}",
        "r{{ .replicas }}",
    )
    result = run(tmp_path, [files], tmpl, goTemplate=True)
    assert names(result) == ["prod-eu-values.yaml"]
    assert result.apps[0].sources[0].path == "envs"
    assert namespaces(result) == {"prod-eu-values.yaml": "r3"}


def test_merge_selector_and_values(tmp_path: Path) -> None:
    write(tmp_path, {"apps/a/x.yaml": "", "apps/b/x.yaml": "", "apps/c/x.yaml": ""})
    merge = {
        "merge": {
            "mergeKeys": ["path.basename"],
            "generators": [
                {
                    "git": {
                        "repoURL": REPO_URL,
                        "directories": [{"path": "apps/*"}],
                        "values": {"tier": "t-{{path.basename}}"},
                    }
                },
                {"list": {"elements": [{"path.basename": "b", "values.tier": "gold"}]}},
            ],
        },
        "selector": {
            "matchExpressions": [{"key": "path.basename", "operator": "NotIn", "values": ["c"]}]
        },
    }
    result = run(tmp_path, [merge], template("{{path.basename}}", "{{path}}", "{{values.tier}}"))
    assert namespaces(result) == {"a": "t-a", "b": "gold"}


def test_matrix_conflicting_keys_and_nesting_depth(tmp_path: Path) -> None:
    one = {"list": {"elements": [{"k": "1"}]}}
    two = {"list": {"elements": [{"k": "2"}]}}
    result = run(tmp_path, [{"matrix": {"generators": [one, two]}}], template("{{k}}", ".", "x"))
    assert "duplicate key k with different value" in result.error
    deep = {"matrix": {"generators": [one, {"matrix": {"generators": [one, {"merge": {}}]}}]}}
    result = run(tmp_path, [deep], template("{{k}}", ".", "x"))
    assert "nested more than two levels" in result.error


def test_clusters_selector_values_and_in_cluster(tmp_path: Path) -> None:
    known = ClusterList(
        (
            Cluster("in-cluster", "https://kubernetes.default.svc", local=True),
            Cluster("Prod EU", "https://eu.example", labels={"env": "prod"}),
            Cluster("dev", "https://dev.example", labels={"env": "dev"}),
        ),
        "Argo CD",
    )
    options = AppSetOptions(clusters=ClusterSource(lambda: known))
    tmpl = template("{{nameNormalized}}", ".", "{{values.ns}}")
    everything = {"clusters": {"values": {"ns": "{{metadata.labels.env}}-x"}}}
    result = run(tmp_path, [everything], tmpl, options=options)
    # The local cluster has no Secret, so nameNormalized and labels are those of its params.
    assert namespaces(result) == {
        "in-cluster": "{{metadata.labels.env}}-x",
        "prod-eu": "prod-x",
        "dev": "dev-x",
    }
    selected = {"clusters": {"selector": {"matchLabels": {"env": "prod"}}, "values": {"ns": "p"}}}
    assert names(run(tmp_path, [selected], tmpl, options=options)) == ["prod-eu"]
    assumed = run(tmp_path, [everything], tmpl)
    assert names(assumed) == ["in-cluster"]
    assert "in-cluster destination only" in assumed.notes[0]


def test_clusters_file(tmp_path: Path) -> None:
    path = tmp_path / "clusters.yaml"
    path.write_text("- name: eu\n  server: https://eu.example/\n  labels: {env: prod}\n")
    (cluster,) = load_clusters_file(path).clusters
    assert (cluster.name, cluster.server, cluster.labels) == (
        "eu",
        "https://eu.example",
        {"env": "prod"},
    )
    path.write_text("- name: nowhere\n")
    with pytest.raises(ConfigError, match="needs at least a server"):
        load_clusters_file(path)


def test_elements_yaml_template_patch_and_generator_template(tmp_path: Path) -> None:
    generators = [
        {
            "list": {
                "elementsYaml": "- name: a\n- name: b\n",
                "template": {"metadata": {}, "spec": {"project": "special"}},
            }
        }
    ]
    patch = "spec:\n  destination:\n    namespace: patched-{{name}}\n"
    result = run(tmp_path, generators, template("{{name}}", ".", "plain"), templatePatch=patch)
    assert namespaces(result) == {"a": "patched-a", "b": "patched-b"}
    assert {a.project for a in result.apps} == {"special"}
    # Generated apps live in the ApplicationSet's namespace, whatever the template says.
    assert {a.namespace for a in result.apps} == {"apps"}


def test_bounds_and_duplicates(tmp_path: Path) -> None:
    many = {"list": {"elements": [{"n": str(i)} for i in range(5)]}}
    capped = run(tmp_path, [many], template("a{{n}}", ".", "x"), options=AppSetOptions(max_apps=4))
    assert "more than 4 Applications" in capped.error and capped.apps == []
    same = run(tmp_path, [many], template("same", ".", "x"))
    assert "two Applications named same" in same.error
    huge = {"list": {"elements": [{"n": "x" * 1024 * 1024}] * 5}}
    assert "parameters exceed 4 MiB" in run(tmp_path, [huge], template("{{n}}", ".", "x")).error


def test_outside_systems_and_other_repositories_are_not_generated(tmp_path: Path) -> None:
    pr = run(tmp_path, [{"pullRequest": {"github": {}}}], template("p", ".", "x"))
    assert pr.not_generated.startswith("its pullRequest generator lists pull requests")
    other = {"git": {"repoURL": "https://example.com/other.git", "directories": [{"path": "*"}]}}
    options = AppSetOptions(is_this_repo=lambda url: url == REPO_URL)
    result = run(tmp_path, [other], template("p", ".", "x"), options=options)
    assert "reads https://example.com/other.git, another repository" in result.not_generated


@needs_helm
@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ('{{ env "ARGOCD_AUTH_TOKEN" }}', "'env' is not allowed"),
        ('{{ getHostByName "example.com" }}', "'getHostByName' is not allowed"),
        ('{{ lookup "v1" "Secret" "argocd" "" }}', "'lookup' is not allowed"),
        ("{{ tpl .t . }}", "'tpl' is not allowed"),
        ('{{ "}}" }}{{ include "x" . }}', "'include' is not allowed"),
        ('{{ define "x" }}{{ end }}', "'define' is not supported"),
    ],
)
def test_hostile_go_templates_are_refused(tmp_path: Path, text: str, refused: str) -> None:
    result = run(
        tmp_path, [{"list": {"elements": [{"t": "x"}]}}], template(text, ".", "x"), goTemplate=True
    )
    assert refused in result.error


@needs_helm
def test_go_template_errors_name_the_template(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        [{"list": {"elements": [{"t": "x"}]}}],
        template("{{ if }}", ".", "x"),
        goTemplate=True,
    )
    assert result.error.startswith("Go template:")
    assert "missing value for if" in result.error


@needs_helm
def test_missing_key_error_follows_what_dot_is(tmp_path: Path) -> None:
    """Inside `range` (trim markers too) `.` is the item, so its fields are not parameters."""
    element = {"items": [{"x": "a"}, {"x": "b"}], "name": "n"}
    ok = "{{ .name }}{{- range .items }}-{{ .x }}{{- end }}"
    result = run(
        tmp_path,
        [{"list": {"elements": [element]}}],
        template(ok, ".", "x"),
        goTemplate=True,
        goTemplateOptions=["missingkey=error"],
    )
    assert names(result) == ["n-a-b"]
    missing = run(
        tmp_path,
        [{"list": {"elements": [element]}}],
        template("{{ .name }}-{{ $.nope }}", ".", "x"),
        goTemplate=True,
        goTemplateOptions=["missingkey=error"],
    )
    assert "no entry for key 'nope'" in missing.error
