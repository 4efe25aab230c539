"""argodiff's error types: each carries a message fit to show a user as is.

Two kinds matter to a run: an `AppError` concerns one Application (that app is reported as
failed, the others go on); a `RunError` concerns the run itself (configuration, or Argo CD as a
whole: unreachable, token, Cloudflare Access, a redirect), which is what the offline fallback and
the exit status look at.
"""

from __future__ import annotations


class ArgodiffError(Exception):
    """An expected failure with a readable message (never shown as a traceback). `app` and
    `file` say where it was met, when that is known."""

    def __init__(self, message: str, *, app: str = "", file: str = "") -> None:
        self.app = app
        self.file = file
        super().__init__(message)

    def add_hint(self, hint: str) -> None:
        """Append advice (e.g. `; did you mean …?`) to the message."""
        self.args = (f"{self.args[0]}{hint}", *self.args[1:])

    def detail(self) -> str:
        """The message with its file but not the app (for reports already grouped by app)."""
        msg = super().__str__()
        return f"{self.file}: {msg}" if self.file else msg

    def __str__(self) -> str:
        where = ", ".join(p for p in (f"app {self.app}" if self.app else "", self.file) if p)
        msg = super().__str__()
        return f"{where}: {msg}" if where else msg


class RunError(ArgodiffError):
    """A failure of the run as a whole, not of one app: configuration, or Argo CD itself."""


class ConfigError(RunError):
    """Missing or contradictory configuration (no server, bad flag value, bad environment)."""


class AppError(ArgodiffError):
    """A failure that concerns one Application; the other apps go on."""


class ManifestError(AppError):
    """A YAML file or manifest that cannot be read or is not what it should be."""


class RenderError(AppError):
    """kustomize, Helm or a directory source failed to render."""
