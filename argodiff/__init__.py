"""argodiff: what a change to a GitOps repository would do to a live Argo CD cluster."""

__version__ = "0.1.0"
