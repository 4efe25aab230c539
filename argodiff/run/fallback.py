"""When Argo CD cannot be asked: the one "no server" rule, and the offline fallback."""

from __future__ import annotations

from collections.abc import Callable

from argodiff import messages
from argodiff.argocd.errors import NoServerAnswered, Unreachable
from argodiff.errors import ConfigError, RunError
from argodiff.model import RunResult
from argodiff.settings import Connection


def why_not_live(conn: Connection, *, fork: bool = False) -> str:
    """Why Argo CD cannot be asked at all, naming the flags and action inputs to set (GitHub
    does not enforce an input's `required`); empty when it can."""
    if fork and not (conn.servers and conn.auth_token):
        return messages.FORK()
    if not conn.servers:
        return messages.NO_SERVER()
    if not conn.auth_token:
        return messages.NO_TOKEN()
    if bool(conn.cf_access_client_id) != bool(conn.cf_access_client_secret):
        raise ConfigError(
            "cf-access-client-id and cf-access-client-secret go together, and one of them is "
            "empty: set both (ARGOCD_API_TOKEN_ID, ARGOCD_API_TOKEN_SECRET) or neither"
        )
    return ""


def is_unreachable(exc: BaseException) -> bool:
    """No Argo CD server answered: the one failure an offline comparison may stand in for
    (a rejected token or a denied app must be seen, not papered over)."""
    return isinstance(exc, NoServerAnswered | Unreachable)


def live_or_offline(
    live: Callable[[], RunResult],
    offline: Callable[[str], RunResult] | None,
    *,
    why_not: str,
    hint: str,
) -> RunResult:
    """The live run; or, when Argo CD cannot be asked (`why_not`) or no server answers and a
    fallback is allowed, the offline comparison, saying so loudly in its first notice."""
    if why_not:
        if offline is None:
            raise ConfigError(f"{why_not}; {hint}")
        return offline(messages.FALLBACK(why=why_not))
    try:
        return live()
    except RunError as exc:
        if offline is None or not is_unreachable(exc):
            raise
        return offline(messages.FALLBACK(why=messages.UNREACHABLE(error=exc)))
