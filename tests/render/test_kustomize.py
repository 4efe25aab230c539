"""kustomize sources, with the Application's kustomize options applied as Argo CD applies them."""

from __future__ import annotations

from pathlib import Path

from argodiff.render import Renderer
from argodiff.render.kustomize import parse_image
from tests.render.conftest import application, by_name, configmap, write

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
"""


def _tree(repo: Path) -> None:
    write(repo, "argoproj/web/base/kustomization.yaml", "resources: [deploy.yaml, cm.yaml]\n")
    write(repo, "argoproj/web/base/deploy.yaml", DEPLOYMENT)
    write(repo, "argoproj/web/base/cm.yaml", configmap("settings", mode="fast"))
    write(repo, "argoproj/web/overlays/prod/kustomization.yaml", "resources: [../../base]\n")


def test_plain_kustomization_builds_like_kustomize(repo: Path, renderer: Renderer) -> None:
    _tree(repo)
    app = application("web", {"path": "argoproj/web/overlays/prod"})
    objs = by_name(renderer.render(app))
    assert set(objs) == {"Deployment/web", "ConfigMap/settings"}
    # No tracking label or annotation is added: the diff engine does that.
    assert "labels" not in objs["ConfigMap/settings"]["metadata"]
    assert "annotations" not in objs["ConfigMap/settings"]["metadata"]


def test_options_name_prefix_images_labels_namespace(repo: Path, renderer: Renderer) -> None:
    _tree(repo)
    app = application(
        "web",
        {
            "path": "argoproj/web/overlays/prod",
            "kustomize": {
                "namePrefix": "lolice-",
                "nameSuffix": "-v2",
                "images": ["nginx=registry.example.com/nginx:1.27"],
                "commonLabels": {"team": "platform", "on": "yes"},
                "commonAnnotations": {"owner": "boxp"},
                "namespace": "web",
                "replicas": [{"name": "web", "count": 3}],
            },
        },
    )
    objs = by_name(renderer.render(app))
    deploy = objs["Deployment/lolice-web-v2"]
    assert deploy["metadata"]["namespace"] == "web"
    assert deploy["spec"]["replicas"] == 3
    assert deploy["spec"]["template"]["spec"]["containers"][0]["image"] == (
        "registry.example.com/nginx:1.27"
    )
    # commonLabels go to selectors and templates too (kustomize edit add label).
    assert deploy["spec"]["selector"]["matchLabels"] == {
        "app": "web",
        "team": "platform",
        "on": "yes",
    }
    assert deploy["spec"]["template"]["metadata"]["labels"]["team"] == "platform"
    assert deploy["metadata"]["annotations"] == {"owner": "boxp"}
    assert objs["ConfigMap/lolice-settings-v2"]["metadata"]["labels"]["on"] == "yes"
    # The checkout is untouched: Argo CD edits its own copy, argodiff a wrapper.
    assert (repo / "argoproj/web/overlays/prod/kustomization.yaml").read_text() == (
        "resources: [../../base]\n"
    )


def test_labels_without_selector(repo: Path, renderer: Renderer) -> None:
    _tree(repo)
    app = application(
        "web",
        {
            "path": "argoproj/web/overlays/prod",
            "kustomize": {"commonLabels": {"team": "a"}, "labelWithoutSelector": True},
        },
    )
    deploy = by_name(renderer.render(app))["Deployment/web"]
    assert deploy["metadata"]["labels"] == {"team": "a"}
    assert deploy["spec"]["selector"]["matchLabels"] == {"app": "web"}
    assert "team" not in deploy["spec"]["template"]["metadata"]["labels"]


def test_patches_inline_and_from_file_and_components(repo: Path, renderer: Renderer) -> None:
    _tree(repo)
    write(
        repo,
        "argoproj/web/patches/replicas.yaml",
        "- op: replace\n  path: /spec/replicas\n  value: 5\n",
    )
    write(
        repo,
        "argoproj/web/components/debug/kustomization.yaml",
        """\
        apiVersion: kustomize.config.k8s.io/v1alpha1
        kind: Component
        resources: [debug.yaml]
        """,
    )
    write(repo, "argoproj/web/components/debug/debug.yaml", configmap("debug", level="trace"))
    app = application(
        "web",
        {
            "path": "argoproj/web/overlays/prod",
            "kustomize": {
                "patches": [
                    {"path": "../../patches/replicas.yaml", "target": {"kind": "Deployment"}},
                    {
                        "patch": "- op: add\n  path: /data/extra\n  value: 'on'\n",
                        "target": {"kind": "ConfigMap", "name": "settings"},
                    },
                ],
                "components": ["../../components/debug", "../../components/missing"],
                "ignoreMissingComponents": True,
            },
        },
    )
    objs = by_name(renderer.render(app))
    assert objs["Deployment/web"]["spec"]["replicas"] == 5
    assert objs["ConfigMap/settings"]["data"] == {"mode": "fast", "extra": "on"}
    assert objs["ConfigMap/debug"]["data"] == {"level": "trace"}


def test_annotation_envsubst_uses_the_build_environment(repo: Path, renderer: Renderer) -> None:
    _tree(repo)
    app = application(
        "web",
        {
            "path": "argoproj/web/overlays/prod",
            "kustomize": {
                "commonAnnotations": {"app": "${ARGOCD_APP_NAME}/$ARGOCD_APP_NAMESPACE"},
                "commonAnnotationsEnvsubst": True,
            },
        },
        namespace="web-ns",
    )
    cm = by_name(renderer.render(app))["ConfigMap/settings"]
    assert cm["metadata"]["annotations"] == {"app": "web/web-ns"}


def test_image_arguments_parse_like_kustomize_edit_set_image() -> None:
    assert parse_image("nginx:1.27") == {"name": "nginx", "newTag": "1.27"}
    assert parse_image("nginx=ghcr.io/x/nginx:2") == {
        "name": "nginx",
        "newName": "ghcr.io/x/nginx",
        "newTag": "2",
    }
    assert parse_image("localhost:5000/app@sha256:abc") == {
        "name": "localhost:5000/app",
        "digest": "sha256:abc",
    }
    assert parse_image("app=localhost:5000/app") == {"name": "app", "newName": "localhost:5000/app"}


def test_image_option_reaches_an_image_the_source_renames(repo: Path, renderer: Renderer) -> None:
    _tree(repo)
    write(
        repo,
        "argoproj/web/overlays/prod/kustomization.yaml",
        """\
        resources: [../../base]
        images:
        - name: nginx
          newName: ghcr.io/boxp/nginx
          newTag: "1.25"
        """,
    )
    app = application(
        "web", {"path": "argoproj/web/overlays/prod", "kustomize": {"images": ["nginx:1.27"]}}
    )
    deploy = by_name(renderer.render(app))["Deployment/web"]
    # As after `kustomize edit set image nginx:1.27` on the overlay: the rename is kept.
    assert deploy["spec"]["template"]["spec"]["containers"][0]["image"] == "ghcr.io/boxp/nginx:1.27"
