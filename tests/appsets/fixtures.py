"""A GitOps repository whose apps come from ApplicationSets, and the pull requests the tests
apply to it (each a commit on top of `base`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from tests.fixture_repo import REPO_URL, GitRepo, kustomization


def configmap(name: str, **data: str) -> str:
    lines = "".join(f"  {k}: {v!r}\n" for k, v in data.items())
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n{lines}"


def service_dir(name: str) -> dict[str, str]:
    return {
        f"apps/{name}/kustomization.yaml": kustomization("configmap.yaml"),
        f"apps/{name}/configmap.yaml": configmap(f"{name}-settings", team=name),
    }


def appset(name: str, generators: list[Any], template: dict[str, Any], **spec: Any) -> str:
    doc = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "ApplicationSet",
        "metadata": {"name": name, "namespace": "argocd"},
        "spec": {**spec, "generators": generators, "template": template},
    }
    return yaml.safe_dump(doc, sort_keys=False)


def template(name: str, path: str, namespace: str, **metadata: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": name, **metadata},
        "spec": {
            "project": "default",
            "source": {"repoURL": REPO_URL, "targetRevision": "HEAD", "path": path},
            "destination": {"server": "https://kubernetes.default.svc", "namespace": namespace},
        },
    }


def directories(*paths: str, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    items = [{"path": p} for p in paths] + [{"path": p, "exclude": True} for p in exclude]
    return {"git": {"repoURL": REPO_URL, "revision": "HEAD", "directories": items}}


DIRECTORIES = appset(
    "services",
    [directories("apps/*", exclude=("apps/legacy",))],
    template("{{path.basename}}", "{{path}}", "{{path.basename}}", labels={"team": "{{path[1]}}"}),
)
MATRIX = appset(
    "environments",
    [
        {
            "matrix": {
                "generators": [
                    {"list": {"elements": [{"env": "staging"}, {"env": "prod"}]}},
                    directories("apps/web", "apps/db"),
                ]
            }
        }
    ],
    template("{{path.basename}}-{{env}}", "{{path}}", "{{path.basename}}-{{env}}"),
)
SPRIG = appset(
    "teams",
    [
        {
            "list": {
                "elements": [
                    {"team": "Frontend-Platform-Team", "namespace": ""},
                    {"team": "Payments", "namespace": "billing"},
                ]
            }
        }
    ],
    template("{{ .team | lower | trunc 8 }}", "apps/web", '{{ default "shared" .namespace }}'),
    goTemplate=True,
    goTemplateOptions=["missingkey=error"],
)
PULL_REQUESTS = appset(
    "previews",
    [{"pullRequest": {"github": {"owner": "example", "repo": "lolice"}}}],
    template("preview-{{number}}", "apps/web", "preview-{{number}}"),
)


def base_files() -> dict[str, str]:
    files = {
        "README.md": "# services\n",
        "argoproj/appsets/services.yaml": DIRECTORIES,
        "argoproj/appsets/environments.yaml": MATRIX,
        "argoproj/appsets/teams.yaml": SPRIG,
        "argoproj/appsets/previews.yaml": PULL_REQUESTS,
    }
    for name in ("web", "db", "legacy"):
        files |= service_dir(name)
    return files


@dataclass
class AppSetRepo:
    repo: GitRepo
    empty: str
    """Before any ApplicationSet: every generated app is new against it."""
    base: str
    added: str
    """Adds apps/cache: one new generated app."""
    removed: str
    """Removes apps/db (on top of `base`): one deleted app (and two matrix apps)."""
    template: str
    """Changes the services template (destination namespace): every generated app changes."""
    sprig_missing_key: str
    """The teams template names a key its elements lack (missingkey=error)."""
    pull_request: str
    """Adds apps/cache and changes apps/web's ConfigMap (for the revision-mode PR job)."""


def build(repo: GitRepo) -> AppSetRepo:
    empty = repo.commit({"README.md": "# services\n"}, "empty")
    base = repo.commit(base_files(), "apps from ApplicationSets")
    repo.git("checkout", "-q", "--detach", base)
    added = repo.commit(service_dir("cache"), "add apps/cache")
    repo.git("checkout", "-q", "--detach", base)
    gone: dict[str, str | None] = dict.fromkeys(
        ("apps/db/kustomization.yaml", "apps/db/configmap.yaml")
    )
    removed = repo.commit(gone, "remove apps/db")
    repo.git("checkout", "-q", "--detach", base)
    template = repo.commit(
        {
            "argoproj/appsets/services.yaml": DIRECTORIES.replace(
                "namespace: '{{path.basename}}'", "namespace: team-{{path.basename}}"
            )
        },
        "services: one namespace prefix for all",
    )
    repo.git("checkout", "-q", "--detach", base)
    missing = repo.commit(
        {"argoproj/appsets/teams.yaml": SPRIG.replace(".namespace }}", ".ns }}")},
        "teams: a key the elements lack",
    )
    repo.git("checkout", "-q", "--detach", base)
    web = service_dir("web")["apps/web/configmap.yaml"].replace("team: 'web'", "team: 'web-v2'")
    pull_request = repo.commit(
        {**service_dir("cache"), "apps/web/configmap.yaml": web}, "add cache, web v2"
    )
    repo.git("checkout", "-q", "main")
    return AppSetRepo(repo, empty, base, added, removed, template, missing, pull_request)
