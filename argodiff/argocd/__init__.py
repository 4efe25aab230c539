"""Argo CD's REST API, as argodiff uses it (see docs/argocd-client.md)."""

from argodiff.argocd.client import ArgoClient
from argodiff.argocd.errors import (
    AccessRejected,
    AppNotFound,
    ArgoError,
    ManifestGenerationFailed,
    NoServerAnswered,
    PermissionDenied,
    RedirectRefused,
    ServerError,
    TokenRejected,
    UnexpectedAnswer,
    Unreachable,
)

__all__ = [
    "AccessRejected",
    "AppNotFound",
    "ArgoClient",
    "ArgoError",
    "ManifestGenerationFailed",
    "NoServerAnswered",
    "PermissionDenied",
    "RedirectRefused",
    "ServerError",
    "TokenRejected",
    "UnexpectedAnswer",
    "Unreachable",
]
