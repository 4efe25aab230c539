"""Reports: a run's results as terminal text, markdown, PR-comment parts and a job summary.

Every function here is pure: a RunResult in, text out.
"""
