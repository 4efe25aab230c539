"""Options shared by several commands, and how they become config objects."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click
from click.core import ParameterSource

from argodiff.errors import ConfigError
from argodiff.settings import (
    DEFAULT_CONCURRENCY,
    DEFAULT_REQUEST_TIMEOUT,
    SERVER_SIDE_DIFF_POLICIES,
    Connection,
    parse_header,
)
from argodiff.settings import parse_servers as _parse_servers

F = TypeVar("F", bound=Callable[..., Any])


def stack_options(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """One decorator applying `decorators` as if stacked in this order above a function."""

    def apply(func: F) -> F:
        for dec in reversed(decorators):
            func = dec(func)
        return func

    return apply


connection_options = stack_options(
    click.option(
        "--server",
        "servers",
        multiple=True,
        envvar="ARGOCD_SERVER",
        help="Argo CD API server URL (a bare host means https://). Repeat, or comma-separate "
        "ARGOCD_SERVER, to try several in order (e.g. Tailscale first, the tunnel second).",
    ),
    click.option(
        "--auth-token",
        envvar="ARGOCD_AUTH_TOKEN",
        default="",
        show_default=False,
        help="Argo CD API token, sent as Authorization: Bearer. [env ARGOCD_AUTH_TOKEN]",
    ),
    click.option(
        "--cf-access-client-id",
        envvar="CF_ACCESS_CLIENT_ID",
        default="",
        help="Cloudflare Access service token id. [env CF_ACCESS_CLIENT_ID]",
    ),
    click.option(
        "--cf-access-client-secret",
        envvar="CF_ACCESS_CLIENT_SECRET",
        default="",
        help="Cloudflare Access service token secret. [env CF_ACCESS_CLIENT_SECRET]",
    ),
    click.option(
        "--header",
        "headers",
        multiple=True,
        metavar="'NAME: VALUE'",
        help="Extra header on every request to Argo CD (repeatable).",
    ),
    click.option("--insecure", is_flag=True, help="Do not verify the server's TLS certificate."),
    click.option(
        "--app-namespace",
        envvar="ARGOCD_APP_NAMESPACE",
        default="",
        help="Namespace of the Applications (apps in any namespace).",
    ),
    click.option(
        "--request-timeout",
        type=click.FloatRange(min=0.1),
        default=DEFAULT_REQUEST_TIMEOUT,
        show_default=True,
        help="Seconds to wait for each answer from Argo CD.",
    ),
    click.option(
        "--retry-backoff",
        type=click.FloatRange(min=0),
        envvar="ARGODIFF_RETRY_BACKOFF",
        default=0.5,
        hidden=True,
        help="Backoff factor between retries, in seconds (0 in tests).",
    ),
    click.option(
        "--server-side-diff",
        type=click.Choice(SERVER_SIDE_DIFF_POLICIES),
        default=None,
        help="Ask Argo CD for its server-side diff (a dry-run apply, Argo CD >= 3.2): `auto` "
        "for apps whose compare-options annotation says ServerSideDiff=true, or always, or "
        "never.  [default: auto]",
    ),
    click.option(
        "--concurrency",
        type=click.IntRange(min=1, max=64),
        default=None,
        help="How many apps are fetched and diffed at once.  "
        f"[default: {DEFAULT_CONCURRENCY['app']}; {DEFAULT_CONCURRENCY['pr']} for pr]",
    ),
)


def option_source(params: dict[str, Any], name: str, option: str, variable: str) -> str:
    """How the user gave option `name`, for messages: the option, its variable, or what the
    command recorded in `params["sources"]` (an action input)."""
    recorded: dict[str, str] = params.get("sources") or {}
    if name in recorded:
        return recorded[name]
    ctx = click.get_current_context(silent=True)
    source = ctx.get_parameter_source(name) if ctx is not None else None
    return option if source is ParameterSource.COMMANDLINE else variable


def connection_from(params: dict[str, Any], command: str) -> Connection:
    """The Connection described by the connection options (raises ConfigError); `command`'s
    concurrency unless --concurrency says otherwise."""
    cf_id = option_source(
        params, "cf_access_client_id", "--cf-access-client-id", "CF_ACCESS_CLIENT_ID"
    )
    cf_secret = option_source(
        params, "cf_access_client_secret", "--cf-access-client-secret", "CF_ACCESS_CLIENT_SECRET"
    )
    return Connection(
        servers=_parse_servers(list(params.get("servers") or ())),
        auth_token=params.get("auth_token") or "",
        cf_access_client_id=params.get("cf_access_client_id") or "",
        cf_access_client_secret=params.get("cf_access_client_secret") or "",
        headers=tuple(parse_header(h) for h in params.get("headers") or ()),
        insecure=bool(params.get("insecure")),
        app_namespace=params.get("app_namespace") or "",
        request_timeout=float(params.get("request_timeout") or DEFAULT_REQUEST_TIMEOUT),
        concurrency=int(params.get("concurrency") or DEFAULT_CONCURRENCY[command]),
        retry_backoff=float(params.get("retry_backoff", 0.5)),
        server_side_diff=_server_side_diff(params.get("server_side_diff")),
        token_source=option_source(params, "auth_token", "--auth-token", "ARGOCD_AUTH_TOKEN"),
        access_source=f"{cf_id} / {cf_secret}",
    )


def _server_side_diff(value: Any) -> str:
    text = str(value or "auto").strip().lower()
    if text not in SERVER_SIDE_DIFF_POLICIES:
        raise ConfigError(
            f"server-side-diff: {value!r} is not one of {', '.join(SERVER_SIDE_DIFF_POLICIES)}"
        )
    return text


local_options = stack_options(
    click.option(
        "--repo",
        "repo_path",
        type=click.Path(file_okay=False, path_type=str),
        default=".",
        show_default=True,
        help="A directory inside the GitOps checkout.",
    ),
    click.option(
        "--apps-dir",
        default="argoproj",
        show_default=True,
        help="Directory (relative to the repository root) holding the Application manifests.",
    ),
    click.option(
        "--repo-url",
        "repo_urls",
        multiple=True,
        help="URL of this repository as Applications name it in repoURL (repeatable); "
        "default: GITHUB_REPOSITORY and the git remotes.",
    ),
)


@dataclasses.dataclass(frozen=True)
class Inputs:
    """What sets a command's options besides the command line: for `pr`, the action input of
    the option's name (`INPUT_<NAME>`, hyphens kept); for the other commands, nothing."""

    action: bool = False

    def envvar(self, name: str) -> list[str] | None:
        """The variables that set option `--<name>`."""
        return [f"INPUT_{name.upper()}"] if self.action else None

    def option(
        self, flag: str, default: Any, help: str, *, dest: str | None = None, **attrs: Any
    ) -> Callable[[F], F]:
        """Option `flag` (`--name` or `--name/--no-name`, into `dest` if given) with its
        `default`, shown in --help unless empty, and `help`; more click attributes in `attrs`."""
        return click.option(
            *(flag, dest) if dest else (flag,),
            envvar=self.envvar(flag.partition("/")[0].removeprefix("--")),
            default=default,
            show_default=default != "",
            help=help,
            **attrs,
        )


ACTION_INPUTS = Inputs(action=True)  # `pr`, the GitHub Action's command
COMMAND_LINE = Inputs()  # every other command


def comment_options(inputs: Inputs = COMMAND_LINE) -> Callable[[F], F]:
    """How a report becomes PR comments (`pr`, `report --post`)."""
    return stack_options(
        inputs.option(
            "--max-comment-chars",
            65_000,
            "Longest comment part, in characters and UTF-8 bytes.",
            type=click.IntRange(min=5_000, max=65_536),
        ),
        inputs.option(
            "--max-comments",
            10,
            "Most comments a report may take (0: no limit); the rest is in the job summary.",
            type=click.IntRange(min=0, max=100),
        ),
        inputs.option(
            "--max-diff-lines",
            500,
            "Fold a resource diff longer than this in the comment (0: never); the job "
            "summary and the results file keep it whole.",
            type=click.IntRange(min=0),
        ),
    )


def run_options(what: str, inputs: Inputs = COMMAND_LINE) -> Callable[[F], F]:
    """The report's language (`what` it applies to) and the run's time limit (`app`, `pr`)."""
    return stack_options(
        lang_option(f"Language of {what}.", inputs),
        inputs.option(
            "--timeout",
            None,
            "Seconds for the whole run; apps not diffed by then are listed.",
            type=click.FloatRange(min=1),
        ),
    )


def output_option(formats: Sequence[str], help: str) -> Callable[[F], F]:
    """`-o/--output FORMAT` (into the `fmt` parameter), text by default."""
    return click.option(
        "--output",
        "-o",
        "fmt",
        type=click.Choice(list(formats)),
        default="text",
        show_default=True,
        help=help,
    )


def lang_option(help: str, inputs: Inputs = COMMAND_LINE) -> Callable[[F], F]:
    """`--lang en|ja` for markdown reports."""
    return inputs.option("--lang", "en", help, type=click.Choice(["en", "ja"]))
