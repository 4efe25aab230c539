"""The text of one resource's diff: Argo CD's `=====` header, then a unified diff of the YAML
(live -> predicted, 3 lines of context)."""

from __future__ import annotations

import difflib
import itertools

from patiencediff import PatienceSequenceMatcher

from argodiff.engine.yamltext import Anchor, yaml_line_pair
from argodiff.model import Manifest, ResourceKey

CONTEXT = 3
Opcode = tuple[str, int, int, int, int]
REFINE_LIMIT = 250_000
"""Largest replaced block (lines before x lines after) matched again line by line."""


def _match(before: list[str], after: list[str]) -> list[Opcode]:
    """Opcodes of a patience diff (git's `--patience`): lines unique to both sides anchor the
    match, so repeated lines such as `},` never pull unrelated lines together, and it stays
    near-linear on large documents. Where patience finds no anchor in a replaced block, the
    block is matched again with a full LCS (difflib without its `autojunk` heuristic, which
    would show popular lines as removed and added): a line both sides of a hunk hold is kept as
    context."""
    codes: list[Opcode] = []
    for tag, i1, i2, j1, j2 in PatienceSequenceMatcher(None, before, after).get_opcodes():
        if tag != "replace" or (i2 - i1) * (j2 - j1) > REFINE_LIMIT:
            codes.append((tag, i1, i2, j1, j2))
            continue
        exact = difflib.SequenceMatcher(None, before[i1:i2], after[j1:j2], autojunk=False)
        codes.extend(
            (t, i1 + a1, i1 + a2, j1 + b1, j1 + b2) for t, a1, a2, b1, b2 in exact.get_opcodes()
        )
    return codes


def _range(start: int, stop: int) -> str:
    """difflib's unified range format (1-based start; an empty range names the line before)."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + (1 if length else 0)},{length}"


def _opcodes(before: list[str], after: list[str], anchors: list[Anchor]) -> list[Opcode]:
    """Opcodes, with runs known to be equal taken as given: the common head and tail, and the
    blocks live and predicted share. Only the gaps between them are matched line by line, so a
    large document with scattered small changes stays cheap."""
    limit = min(len(before), len(after))
    head = 0
    while head < limit and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < limit - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    known = [(0, 0, head)]
    for a, b, size in sorted(anchors):
        a_end, b_end = known[-1][0] + known[-1][2], known[-1][1] + known[-1][2]
        fits = a + size <= len(before) - tail and b + size <= len(after) - tail
        if a >= a_end and b >= b_end and fits:
            known.append((a, b, size))
    known.append((len(before) - tail, len(after) - tail, tail))
    codes: list[Opcode] = []
    for (a0, b0, n0), (a1, b1, _) in itertools.pairwise(known):
        codes.append(("equal", a0, a0 + n0, b0, b0 + n0))
        for tag, i1, i2, j1, j2 in _match(before[a0 + n0 : a1], after[b0 + n0 : b1]):
            codes.append((tag, a0 + n0 + i1, a0 + n0 + i2, b0 + n0 + j1, b0 + n0 + j2))
    a, b, n = known[-1]
    codes.append(("equal", a, a + n, b, b + n))
    merged: list[Opcode] = []
    for code in codes:
        if code[1] == code[2] and code[3] == code[4]:
            continue
        if merged and code[0] == "equal" and merged[-1][0] == "equal":
            last = merged.pop()
            merged.append(("equal", last[1], code[2], last[3], code[4]))
        else:
            merged.append(code)
    return merged


def _groups(codes: list[Opcode], n: int) -> list[list[Opcode]]:
    """Hunks: changes with `n` lines of context (difflib get_grouped_opcodes)."""
    if codes[0][0] == "equal":
        tag, i1, i2, j1, j2 = codes[0]
        codes[0] = tag, max(i1, i2 - n), i2, max(j1, j2 - n), j2
    if codes[-1][0] == "equal":
        tag, i1, i2, j1, j2 = codes[-1]
        codes[-1] = tag, i1, min(i2, i1 + n), j1, min(j2, j1 + n)
    groups, group = [], []
    for tag, i1, i2, j1, j2 in codes:
        start_a, start_b = i1, j1
        if tag == "equal" and i2 - i1 > 2 * n:
            group.append((tag, i1, min(i2, i1 + n), j1, min(j2, j1 + n)))
            groups.append(group)
            group = []
            start_a, start_b = max(i1, i2 - n), max(j1, j2 - n)
        group.append((tag, start_a, i2, start_b, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        groups.append(group)
    return [g for g in groups if any(code[0] != "equal" for code in g)]


def unified(
    before: list[str],
    after: list[str],
    anchors: list[Anchor] | None = None,
    labels: tuple[str, str] = ("live", "predicted"),
) -> list[str]:
    """Unified diff lines in `difflib.unified_diff`'s format (`n=3`), from a patience match."""
    if before == after:
        return []
    out = [f"--- {labels[0]}", f"+++ {labels[1]}"]
    for group in _groups(_opcodes(before, after, anchors or []), CONTEXT):
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(" " + line for line in before[i1:i2])
                continue
            out.extend("-" + line for line in before[i1:i2])
            out.extend("+" + line for line in after[j1:j2])
    return out


def render(
    key: ResourceKey,
    live: Manifest | None,
    predicted: Manifest | None,
    labels: tuple[str, str] = ("live", "predicted"),
) -> str:
    before, after, anchors = yaml_line_pair(live, predicted)
    lines = [key.header(), *unified(before, after, anchors, labels)]
    return "\n".join(lines) + "\n"
