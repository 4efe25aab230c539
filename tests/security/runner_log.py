"""A step's log read the way the Actions runner reads it for workflow commands.

Mirrors actions/runner ActionCommandManager.TryProcessCommand: a line is a command when, after
trimming leading space, it starts with `::name ...::data` (ActionCommand.TryParseV2), or when
it holds `##[name ...]data` anywhere (the legacy ActionCommand.TryParse). After
`::stop-commands::TOKEN` nothing is honoured until a `::TOKEN::` line (case-insensitive).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Command:
    name: str
    data: str
    line: str

    @property
    def plain(self) -> bool:
        """Written as argodiff writes commands: `::name` at the very start of the line."""
        return self.line.startswith(f"::{self.name}")


def parse(line: str) -> Command | None:
    text = line.lstrip()
    if text.startswith("::"):
        end = text.find("::", 2)
        if end >= 0:
            return Command(text[2:end].split(" ", 1)[0], text[end + 2 :], line)
    start = line.find("##[")
    if start >= 0:
        end = line.find("]", start)
        if end >= 0:
            return Command(line[start + 3 : end].split(" ", 1)[0], line[end + 1 :], line)
    return None


@dataclass
class RunnerLog:
    """What the runner would act on, and which lines it printed with commands stopped."""

    honoured: list[Command] = field(default_factory=list)
    """Commands acted on, `stop-commands` included, resume tokens not."""
    resumed: list[str] = field(default_factory=list)
    """The tokens that switched commands back on."""
    free: list[str] = field(default_factory=list)
    """Lines printed while commands were on (including the commands themselves)."""
    stopped: list[str] = field(default_factory=list)
    """Lines printed while commands were off: inert, whatever they say."""
    still_stopped: bool = False

    @classmethod
    def read(cls, log: str) -> RunnerLog:
        out = cls()
        token: str | None = None
        for line in log.splitlines():
            command = parse(line)
            if token is not None:
                if command is not None and command.name.lower() == token.lower():
                    out.resumed.append(token)
                    token = None
                else:
                    out.stopped.append(line)
                continue
            out.free.append(line)
            if command is None:
                continue
            out.honoured.append(command)
            if command.name == "stop-commands":
                token = command.data
        out.still_stopped = token is not None
        return out
