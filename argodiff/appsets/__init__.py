"""ApplicationSets: the Applications they generate, worked out from the repository as the
ApplicationSet controller would (argodiff never asks Argo CD to generate them: that needs
`create` on applicationsets, which a read-only account must not have)."""
