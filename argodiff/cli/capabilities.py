"""`argodiff capabilities`: write a cluster's capabilities file from Argo CD, for offline runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from argodiff.argocd.clusters import IN_CLUSTER, capabilities_of
from argodiff.argocd.errors import ArgoError
from argodiff.cli.environment import Environment
from argodiff.cli.errors import handle_errors
from argodiff.cli.options import connection_from, connection_options
from argodiff.cli.output import notifier
from argodiff.errors import ConfigError
from argodiff.exitcodes import ExitStatus
from argodiff.render.capabilities import DEFAULT_FILE


@click.command("capabilities")
@click.option(
    "--output",
    "-o",
    "output",
    metavar="FILE",
    default="-",
    show_default=True,
    help=f"Where to write the YAML ('-': stdout). Commit it as {DEFAULT_FILE} for offline runs.",
)
@click.option(
    "--cluster",
    default=IN_CLUSTER,
    show_default=True,
    help="The destination cluster's server URL, as Applications name it.",
)
@click.option("--cluster-name", default="", help="Or the cluster's name in Argo CD.")
@connection_options
@handle_errors
def capabilities_command(env: Environment, **params: Any) -> int:
    """Write the Kubernetes version and API versions Argo CD knows for a cluster (what Helm's
    .Capabilities sees when Argo CD renders) as a capabilities file for --capabilities."""
    conn = connection_from(params, "app")
    client = env.argo_client(conn, on_event=notifier(env))
    if not conn.servers:
        raise ConfigError("no Argo CD server: pass --server or set ARGOCD_SERVER")
    name = params["cluster_name"]
    value, id_type = (name, "name") if name else (params["cluster"], "url")
    try:
        caps = capabilities_of(client.cluster(value, id_type), f"cluster {value}")
    except ArgoError as exc:
        raise ConfigError(
            f"cannot read cluster {value} from Argo CD ({exc}): the account needs `clusters, "
            "get` (role:readonly has it), and Argo CD must know the cluster by that "
            f"{'name' if name else 'server URL'}"
        ) from None
    finally:
        client.close()
    if not caps.kube_version and not caps.api_versions:
        raise ConfigError(f"Argo CD has no version or API list for cluster {value} yet")
    text = caps.to_yaml()
    if params["output"] == "-":
        env.stdout.write(text)
    else:
        path = Path(params["output"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        notifier(env)(
            f"wrote {path}: Kubernetes {caps.kube_version}, {len(caps.api_versions)} API versions"
        )
    return int(ExitStatus.NO_DIFF)
