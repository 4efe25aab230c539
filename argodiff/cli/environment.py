"""What a command gets from the process, read once in `cli.main`: the variables, the streams,
the GitHub Actions context and the one `Redactor` every output goes through.

Tests hand commands their own `Environment`; nothing below `cli/` reads `os.environ`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TextIO

from argodiff import command, limits
from argodiff.argocd import ArgoClient
from argodiff.errors import ArgodiffError
from argodiff.github.env import ActionsContext, from_environ
from argodiff.redact import Redactor
from argodiff.settings import Connection, parse_servers

SECRET_VARIABLES = (
    "ARGOCD_AUTH_TOKEN",
    "CF_ACCESS_CLIENT_SECRET",
    "GITHUB_TOKEN",
    "INPUT_ARGOCD-AUTH-TOKEN",
    "INPUT_CF-ACCESS-CLIENT-SECRET",
    "INPUT_GITHUB-TOKEN",
)
SERVER_VARIABLES = ("ARGOCD_SERVER", "INPUT_ARGOCD-SERVER")


@dataclass
class Environment:
    """The process as a command sees it."""

    environ: Mapping[str, str]
    stdout: TextIO
    stderr: TextIO
    redactor: Redactor = field(default_factory=Redactor)

    def __post_init__(self) -> None:
        self.protect(self.environ.get(name, "") for name in SECRET_VARIABLES)
        self.protect_servers(self.environ.get(name, "") for name in SERVER_VARIABLES)

    @classmethod
    def of_process(cls) -> Environment:
        """This process's variables and streams; tools run with these variables too (minus
        credentials, see `command`)."""
        environ = dict(os.environ)
        command.use_environment(environ)
        limits.configure(environ)
        return cls(environ=environ, stdout=sys.stdout, stderr=sys.stderr)

    @property
    def in_actions(self) -> bool:
        """Whether stdout and stderr are a GitHub Actions step log (the runner parses
        workflow commands in them)."""
        return self.environ.get("GITHUB_ACTIONS") == "true"

    @property
    def no_color(self) -> bool:
        return bool(self.environ.get("NO_COLOR"))

    @functools.cached_property
    def actions(self) -> ActionsContext:
        """The workflow step's context (event, repository, token, file commands); read on first
        use, as only `pr` and `report` need it. Its token is a secret from then on."""
        ctx = from_environ(self.environ)
        self.protect([ctx.token])
        return ctx

    def protect(self, secrets: Iterable[str]) -> None:
        """The one place secrets are collected: each is scrubbed from every output from now on."""
        self.redactor.add(s for s in secrets if s)

    def protect_servers(self, servers: Iterable[str]) -> None:
        """Credentials written into server URLs (`https://user:pw@host`), however malformed."""
        with contextlib.suppress(ArgodiffError):
            self.protect(Connection(servers=parse_servers([s for s in servers if s])).secrets())

    def argo_client(
        self, conn: Connection, *, on_event: Callable[[str], None] | None = None
    ) -> ArgoClient:
        """A client of `conn`'s servers; its error text goes through this environment's one
        Redactor, which knows `conn`'s secrets from here on."""
        self.protect(conn.secrets())
        return ArgoClient(conn, redactor=self.redactor, on_event=on_event)
