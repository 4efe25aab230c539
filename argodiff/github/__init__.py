"""Everything GitHub: the Actions environment and event, the REST API, and the runner's
workflow commands."""
