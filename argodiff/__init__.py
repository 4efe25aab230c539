"""argodiff: what a change to a GitOps repository would do to a live Argo CD cluster."""

from importlib.metadata import PackageNotFoundError, version

try:
    # Set at build time from the git tag (pyproject.toml, hatch-vcs): the one version source.
    __version__ = version("argodiff")
except PackageNotFoundError:  # a source tree on sys.path that was never installed
    __version__ = "0+unknown"
