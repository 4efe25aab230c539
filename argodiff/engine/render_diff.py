"""The text of one resource's diff: Argo CD's `=====` header, then a unified diff of the YAML
(live -> predicted, 3 lines of context)."""

from __future__ import annotations

import difflib

from argodiff.engine.yamltext import yaml_line_pair
from argodiff.model import Manifest, ResourceKey

CONTEXT = 3


def _range(start: int, stop: int) -> str:
    """difflib's unified range format (1-based start; an empty range names the line before)."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + (1 if length else 0)},{length}"


def unified(before: list[str], after: list[str], context: int = CONTEXT) -> list[str]:
    """`difflib.unified_diff` output, but the common head and tail are skipped before matching,
    so two large documents with a small change cost a line comparison, not a full match."""
    if before == after:
        return []
    limit = min(len(before), len(after))
    head = 0
    while head < limit and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < limit - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    skip_head = max(0, head - context)
    skip_tail = max(0, tail - context)
    a = before[skip_head : len(before) - skip_tail]
    b = after[skip_head : len(after) - skip_tail]
    out = ["--- live", "+++ predicted"]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        first, last = group[0], group[-1]
        old = _range(first[1] + skip_head, last[2] + skip_head)
        new = _range(first[3] + skip_head, last[4] + skip_head)
        out.append(f"@@ -{old} +{new} @@")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(" " + line for line in a[i1:i2])
                continue
            out.extend("-" + line for line in a[i1:i2])
            out.extend("+" + line for line in b[j1:j2])
    return out


def render(key: ResourceKey, live: Manifest | None, predicted: Manifest | None) -> str:
    lines = [key.header(), *unified(*yaml_line_pair(live, predicted))]
    return "\n".join(lines) + "\n"
