"""The GitOps repository on this machine: git plumbing, its identity (the URLs Applications
name it by) and its checkouts."""
