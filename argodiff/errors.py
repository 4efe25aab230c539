"""argodiff's error types: each carries a message fit to show a user as is."""

from __future__ import annotations


class ArgodiffError(Exception):
    """An expected failure with a readable message (never shown as a traceback)."""


class ConfigError(ArgodiffError):
    """Missing or contradictory configuration (no server, bad flag value, bad environment)."""


class AppError(ArgodiffError):
    """A failure that concerns one Application; the other apps go on."""

    def __init__(self, message: str, *, app: str = "", file: str = "") -> None:
        self.app = app
        self.file = file
        super().__init__(message)

    def detail(self) -> str:
        """The message with its file but not the app (for reports already grouped by app)."""
        msg = super().__str__()
        return f"{self.file}: {msg}" if self.file else msg

    def __str__(self) -> str:
        where = ", ".join(p for p in (f"app {self.app}" if self.app else "", self.file) if p)
        msg = super().__str__()
        return f"{where}: {msg}" if where else msg


class ManifestError(AppError):
    """A YAML file or manifest that cannot be read or is not what it should be."""


class RenderError(AppError):
    """kustomize, Helm or a directory source failed to render."""
