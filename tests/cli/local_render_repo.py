"""A GitOps repository whose pull request only changes what Argo CD's repo-server reads besides
the Application spec: `.argocd-source*.yaml` overrides, and a chart that asks `.Capabilities`."""

from __future__ import annotations

import textwrap

from tests.fixture_repo import application, base_files, kustomization

CHART_TEMPLATE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: 1
  selector:
    matchLabels: {app: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}}
    spec:
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
"""

SERVICE_MONITOR = """\
{{- if .Capabilities.APIVersions.Has "monitoring.coreos.com/v1/ServiceMonitor" }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ .Release.Name }}
spec:
  selector:
    matchLabels: {app: {{ .Release.Name }}}
  endpoints:
    - port: metrics
{{- end }}
"""

SVC_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc
spec:
  selector:
    matchLabels: {app: svc}
  template:
    metadata:
      labels: {app: svc}
    spec:
      containers:
        - name: svc
          image: ghcr.io/example/svc:1.0.0
"""


def base() -> dict[str, str]:
    """The three kustomize apps of fixture_repo, a Helm chart app `chart`, and an app `svc`
    that lives in namespace `team-a` (outside Argo CD's)."""
    files = base_files()
    files.update(
        {
            "argoproj/chart/application.yaml": application("chart", "chart", path="charts/chart"),
            "charts/chart/Chart.yaml": "apiVersion: v2\nname: chart\nversion: 1.0.0\n",
            "charts/chart/values.yaml": "image:\n  repository: nginx\n  tag: '1.27'\n",
            "charts/chart/templates/deployment.yaml": CHART_TEMPLATE,
            "argoproj/svc/application.yaml": application(
                "svc", "svc", path="apps/svc", app_namespace="team-a"
            ),
            "apps/svc/kustomization.yaml": kustomization("deployment.yaml"),
            "apps/svc/deployment.yaml": SVC_DEPLOYMENT,
        }
    )
    return files


def pull_request() -> dict[str, str]:
    """Image write-backs, as argocd-image-updater commits them, and a new app `monitored`
    whose chart only renders its ServiceMonitor when the cluster serves that kind."""
    return {
        "argoproj/monitored/application.yaml": application(
            "monitored", "monitored", path="charts/monitored"
        ),
        "charts/monitored/Chart.yaml": "apiVersion: v2\nname: monitored\nversion: 1.0.0\n",
        "charts/monitored/values.yaml": "image:\n  repository: nginx\n  tag: '1.27'\n",
        "charts/monitored/templates/deployment.yaml": CHART_TEMPLATE,
        "charts/monitored/templates/servicemonitor.yaml": SERVICE_MONITOR,
        # kustomize app, app-specific file
        "argoproj/web/overlays/prod/.argocd-source-web.yaml": (
            "kustomize:\n  images:\n    - nginx:1.29\n"
        ),
        # Helm app: the generic file, then the app's own (it wins on image.tag), and a `path`
        # that must be ignored
        "charts/chart/.argocd-source.yaml": textwrap.dedent(
            """\
            helm:
              parameters:
                - name: image.tag
                  value: "1.28"
            """
        ),
        "charts/chart/.argocd-source-chart.yaml": textwrap.dedent(
            """\
            path: charts/does-not-exist
            helm:
              parameters:
                - name: image.tag
                  value: "1.29"
                  forceString: true
            """
        ),
        # An app outside Argo CD's namespace reads `<namespace>_<name>`, not its bare name.
        "apps/svc/.argocd-source-team-a_svc.yaml": (
            "kustomize:\n  images:\n    - ghcr.io/example/svc:2.0.0\n"
        ),
        "apps/svc/.argocd-source-svc.yaml": (
            "kustomize:\n  images:\n    - ghcr.io/example/svc:9.9.9-wrong-file\n"
        ),
    }


CAPABILITIES = """\
kubeVersion: v1.32.3
apiVersions:
  - v1
  - apps/v1
  - monitoring.coreos.com/v1
  - monitoring.coreos.com/v1/ServiceMonitor
"""
