"""Lay a markdown document out into parts of bounded size.

A document is a tree: a Node may sit in a Frame (a `<details>`, a code fence, a heading to repeat)
that has to be closed in every part it is opened in, and reopened ("(continued)") in the next.
Leaves are lines. Parts are cut between apps where possible, then between resources, then between
lines, and a line too long for any part is cut itself. Line sizes are measured once; a layout
then takes each part's run of lines by bisection, so megabytes of diff lay out in milliseconds.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate, groupby, repeat
from operator import add
from typing import cast

from argodiff.errors import ConfigError
from argodiff.report.escape import ZWSP

MIN_CUT = 32
"""A line is cut only if this many bytes of it fit in a part; less means the budget is too small."""
DIFF_MARKS = ("+", "-", " ")


def nbytes(text: str) -> int:
    """Size as GitHub may count it: UTF-8 bytes, which is never less than the characters."""
    return len(text.encode())


@dataclass(eq=False)
class Frame:
    """Text around a node's lines that each part must open and close itself."""

    open: str
    close: str
    reopen: str = ""
    """How a later part reopens it (defaults to `open`)."""

    def __post_init__(self) -> None:
        self.reopen = self.reopen or self.open
        self.open_size = nbytes(self.open)
        self.reopen_size = nbytes(self.reopen)
        self.close_size = nbytes(self.close)


@dataclass(eq=False)
class Node:
    """Lines (without their newline) and nested nodes, optionally inside a Frame."""

    frame: Frame | None = None
    children: list[Node | str] = field(default_factory=list)
    keep: bool = False
    """Prefer starting a new part to splitting this node."""
    code: bool = False
    """Lines are code-block lines: a cut line keeps its diff mark (`+`, `-`, ` `)."""
    tag: str = ""
    """Names the node in Layout.spans (an app name)."""

    def add(self, *children: Node | str) -> Node:
        self.children.extend(children)
        return self


@dataclass
class Layout:
    parts: list[str]
    spans: dict[str, tuple[int, int]]
    """For each tagged node that has any line: the first and last part it appears in."""


_ENTER, _LINES, _EXIT = 0, 1, 2


@dataclass
class _Event:
    kind: int
    node: Node
    size: int = 0
    """The node's whole size (enter events)."""
    lines: list[str] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    """ends[k]: the size of lines[:k] with newlines; bisection on it finds a run that fits."""


def _flatten(root: Node) -> list[_Event]:
    """Events in document order; consecutive lines of a node form one event."""
    events: list[_Event] = []

    def walk(node: Node) -> int:
        enter = _Event(_ENTER, node)
        events.append(enter)
        size = node.frame.open_size + node.frame.close_size if node.frame else 0
        for is_node, group in groupby(node.children, key=lambda c: isinstance(c, Node)):
            items = list(group)
            if is_node:
                size += sum(walk(c) for c in items if isinstance(c, Node))
                continue
            lines = cast(list[str], items)
            # Sizes in C-level maps: this is the one pass over every line of every diff.
            sizes = map(add, map(len, map(str.encode, lines)), repeat(1))
            ends = [0, *accumulate(sizes)]
            events.append(_Event(_LINES, node, lines=lines, ends=ends))
            size += ends[-1]
        events.append(_Event(_EXIT, node))
        enter.size = size
        return size

    walk(root)
    return events


def _cut(line: str, room: int, code: bool) -> tuple[str, str]:
    """The longest head of `line` within `room` bytes, and the rest as a line of its own."""
    body = line[:-1]
    head = body.encode()[: room - 1].decode("utf-8", "ignore")
    if not code:
        # Never separate a backslash from the character it escapes.
        while head.endswith("\\") and (len(head) - len(head.rstrip("\\"))) % 2:
            head = head[:-1]
    rest = body[len(head) :]
    # In code the diff mark is repeated so the rest stays a `+`/`-` line; elsewhere a zero-width
    # space stops the rest from starting a heading, a fence or an HTML block.
    mark = (body[0] if body[:1] in DIFF_MARKS else "") if code else ZWSP
    return head + "\n", mark + rest + "\n"


class _Packer:
    def __init__(self, target: int, prefer_boundaries: bool) -> None:
        self.target = target
        self.prefer = prefer_boundaries
        self.parts: list[str] = []
        self.spans: dict[str, tuple[int, int]] = {}
        self.out: list[str] = []
        self.size = 0
        self.lines = 0
        self.path: list[Frame] = []
        self.opened = 0
        self.close_size = 0
        self.seen: set[int] = set()
        self.tags: list[str] = []

    def _open_cost(self, frames: list[Frame]) -> tuple[int, int]:
        """Bytes to open `frames` now and to close them later."""
        opening = sum(f.reopen_size if id(f) in self.seen else f.open_size for f in frames)
        return opening, sum(f.close_size for f in frames)

    def _emit(self, text: str, size: int) -> None:
        self.out.append(text)
        self.size += size

    def flush(self) -> None:
        for frame in reversed(self.path[: self.opened]):
            self._emit(frame.close, frame.close_size)
        self.parts.append("".join(self.out))
        self.out, self.size, self.lines, self.opened, self.close_size = [], 0, 0, 0, 0

    def enter(self, node: Node, size: int) -> None:
        if self.prefer and node.keep and self.lines:
            opening, closing = self._open_cost(self.path[self.opened :])
            if self.size + opening + size + self.close_size + closing > self.target:
                fresh = sum(f.reopen_size + f.close_size for f in self.path) + size
                if fresh <= self.target:
                    self.flush()
        if node.frame:
            self.path.append(node.frame)
        if node.tag:
            self.tags.append(node.tag)

    def exit(self, node: Node) -> None:
        if node.frame:
            if self.opened == len(self.path):
                self._emit(node.frame.close, node.frame.close_size)
                self.close_size -= node.frame.close_size
                self.opened -= 1
            self.path.pop()
        if node.tag:
            self.tags.pop()

    def _write(self, text: str, size: int) -> None:
        for frame in self.path[self.opened :]:
            if id(frame) in self.seen:
                self._emit(frame.reopen, frame.reopen_size)
            else:
                self.seen.add(id(frame))
                self._emit(frame.open, frame.open_size)
            self.close_size += frame.close_size
        self.opened = len(self.path)
        self._emit(text, size)
        self.lines += 1
        if self.tags:
            tag, here = self.tags[-1], len(self.parts)
            self.spans[tag] = (self.spans.get(tag, (here, here))[0], here)

    def _room(self) -> int:
        opening, closing = self._open_cost(self.path[self.opened :])
        return self.target - self.size - opening - self.close_size - closing

    def run(self, event: _Event) -> None:
        """As many of the lines as fit in each part, found by bisection on their sizes."""
        ends, i = event.ends, 0
        while i < len(event.lines):
            j = bisect_right(ends, ends[i] + self._room()) - 1
            if j > i:
                self._write("\n".join(event.lines[i:j]) + "\n", ends[j] - ends[i])
                i = j
            elif self.lines:
                self.flush()
            else:
                self._cut_across(event.node, event.lines[i] + "\n")
                i += 1

    def _cut_across(self, node: Node, line: str) -> None:
        """A line too long for a part of its own, in pieces over as many parts as it needs."""
        while True:
            room = self._room()
            if nbytes(line) <= room:
                self._write(line, nbytes(line))
                return
            if room < MIN_CUT:
                raise ConfigError(f"a part of {self.target} bytes has no room for a line")
            head, line = _cut(line, room, node.code)
            self._write(head, nbytes(head))
            self.flush()


def _pack(events: list[_Event], target: int, prefer_boundaries: bool) -> Layout:
    packer = _Packer(target, prefer_boundaries)
    for event in events:
        if event.kind == _LINES:
            packer.run(event)
        elif event.kind == _ENTER:
            packer.enter(event.node, event.size)
        else:
            packer.exit(event.node)
    if packer.lines or not packer.parts:
        packer.flush()
    return Layout(packer.parts, packer.spans)


BALANCE_PRECISION = 0.01


def layout(
    root: Node, budget: int, *, prefer_boundaries: bool = True, balance: bool = True
) -> Layout:
    """`root` in as few parts of at most `budget` UTF-8 bytes as greedy packing finds.

    With `balance`, the parts are then evened out: the smallest target (to 1%) that still gives
    as few parts, so the last part is not a stub.
    """
    events = _flatten(root)
    best = _pack(events, budget, prefer_boundaries)
    count = len(best.parts)
    if not balance or count < 2:
        return best
    low, high = sum(map(nbytes, best.parts)) // count, budget
    while high - low > budget * BALANCE_PRECISION:
        mid = (low + high) // 2
        try:
            trial = _pack(events, mid, prefer_boundaries)
        except ConfigError:  # frames alone fill a part this small: aim higher
            low = mid
            continue
        if len(trial.parts) <= count:
            best, high = trial, mid
        else:
            low = mid
    return best


def render(root: Node) -> str:
    """The whole document as one text (frames opened and closed once)."""
    return "".join(_pack(_flatten(root), 2**62, False).parts)
