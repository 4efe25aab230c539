"""Performance benchmarks (issue 7): `python -m tests.bench [--quick] [--only NAME]`.

Figures only: each is printed next to its target with PASS/MISS, and written as JSON; nothing
here asserts a wall time (see docs/benchmarks.md).
"""
