"""Where things are in an engagement file: field paths, 1-based positions, the problem that stops reading.

Every step after reading (the loader's messages, the frozen-round check, the warnings)
speaks of a place in the file through these; none of them needs to know how YAML is read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

Loc = tuple[str | int, ...]
Found = tuple[Loc, tuple[int, int], str]  # field path, (line, column), message


@dataclass
class Positions:
    """1-based (line, column) of every value and key, by field path."""

    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def value(self, loc: Loc) -> tuple[int, int]:
        """Position of the value at ``loc``, or of the nearest enclosing value known."""
        for n in range(len(loc), -1, -1):
            if loc[:n] in self.values:
                return self.values[loc[:n]]
        return (1, 1)

    def key(self, loc: Loc) -> tuple[int, int]:
        return self.keys[loc] if loc in self.keys else self.value(loc)


def field_path(loc: Iterable[str | int]) -> str:
    """``('stages', 'action', 'items', 2, 'status')`` -> ``stages.action.items[2].status``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class Fatal(Exception):
    """Stops reading a file: the problem is the only one that can be reported."""

    def __init__(self, line: int, column: int, message: str, loc: Loc = ()) -> None:
        super().__init__(message)
        self.line, self.column, self.message, self.loc = line, column, message, loc


def line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


@dataclass
class Located:
    """One file's data with the position of every value, and the problems met reading it."""

    data: Any
    present: bool  # False: the file holds no YAML node at all (empty, only comments)
    positions: Positions
    problems: list[Found]
    poisoned: set[Loc]  # values replaced after a problem: no further messages about them
    fatal: bool  # reading stopped at the last problem; ``data`` is incomplete


def short(value: Any, limit: int = 40) -> str:
    text = str(value)
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
