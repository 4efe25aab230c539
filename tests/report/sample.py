"""Runs to report on: a small realistic one and a large one (megabytes of diff, multibyte text)."""

from __future__ import annotations

from argodiff.model import AppResult, AppStatus, Change, ResourceDiff, ResourceKey, RunResult

SHA = "4f2a9c1e0b7d3a5f6e8c9b0a1d2e3f4a5b6c7d8e"
SERVER = "https://argocd.example.com"


def diff_of(key: ResourceKey, lines: list[str]) -> str:
    """A resource diff as the engine writes it: Argo CD's header, a hunk header, the lines."""
    return "\n".join([key.header(), f"@@ -1,{len(lines)} +1,{len(lines)} @@", *lines]) + "\n"


def resource(kind: str, ns: str, name: str, change: Change, lines: list[str]) -> ResourceDiff:
    key = ResourceKey("apps" if kind == "Deployment" else "", kind, ns, name)
    return ResourceDiff(key, change, diff_of(key, lines))


def app(name: str, status: AppStatus, *resources: ResourceDiff, **kw: str) -> AppResult:
    return AppResult(
        name=name,
        status=status,
        resources=list(resources),
        sync_status=kw.get("sync", "OutOfSync" if resources else "Synced"),
        health_status="Healthy",
        url=f"{SERVER}/applications/argocd/{name}",
        compared=f"live -> {SHA[:7]} (rendered by Argo CD)",
        error=kw.get("error"),
    )


def small_run() -> RunResult:
    """longhorn changes (one modified Deployment, one added ConfigMap); calico unchanged."""
    ui = resource(
        "Deployment",
        "longhorn-system",
        "longhorn-ui",
        Change.MODIFIED,
        [" spec:", "-  replicas: 1", "+  replicas: 2"],
    )
    ui.paths = ["spec.replicas"]
    cm = resource("ConfigMap", "longhorn-system", "longhorn-extra", Change.ADDED, ["+data: {}"])
    return RunResult(
        mode="revision",
        server=SERVER,
        revision=SHA,
        apps=[
            app("longhorn", AppStatus.CHANGED, ui, cm),
            app("calico", AppStatus.UNCHANGED),
        ],
    )


def filler(prefix: str, count: int, tag: str) -> list[str]:
    """`count` diff lines, alternating -/+, with Japanese text (3 bytes a character) in half."""
    out = []
    for i in range(count):
        mark = "-" if i % 2 else "+"
        text = "設定値の説明文" if i % 4 < 2 else "plain ascii value"
        out.append(f"{mark}  {prefix}-{i:06d}: {tag} {text} {i}")
    return out


def big_run(total_mb: float = 2.0) -> RunResult:
    """Six apps: one resource of about 1.5 MB alone, the rest spread over several resources,
    one 100 kB line (a last-applied annotation), errors and unchanged apps around them."""
    huge_lines = filler("key", int(1_500_000 / 50), "DIFFLINE")
    huge = resource("ConfigMap", "monitoring", "grafana-dashboards", Change.MODIFIED, huge_lines)
    rest = int((total_mb * 1_000_000 - 1_500_000) / 50)
    annotation = "+    kubectl.kubernetes.io/last-applied-configuration: "
    long_line = annotation + '{"x":"' + "ab" * 50_000 + '"}'
    apps = [
        app("calico", AppStatus.UNCHANGED),
        app(
            "grafana",
            AppStatus.CHANGED,
            huge,
            resource("Service", "monitoring", "grafana", Change.ADDED, filler("p", 40, "DIFFLINE")),
        ),
        app("broken", AppStatus.ERROR, error="kustomize build failed:\nDIFFLINE-free message"),
    ]
    for n in range(4):
        res = [
            resource(
                "Deployment",
                f"ns{n}",
                f"app{n}-{r}",
                Change.MODIFIED,
                filler(f"env{r}", rest // 20, "DIFFLINE"),
            )
            for r in range(5)
        ]
        if n == 0:
            res.append(resource("Deployment", "ns0", "annotated", Change.MODIFIED, [long_line]))
        apps.append(app(f"service-{n}", AppStatus.CHANGED, *res))
    apps.append(app("descheduler", AppStatus.UNCHANGED))
    return RunResult(mode="revision", server=SERVER, revision=SHA, apps=apps)
