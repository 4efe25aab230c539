"""Publishing a report: the sticky PR comment on GitHub and the GitHub Actions runner files."""
