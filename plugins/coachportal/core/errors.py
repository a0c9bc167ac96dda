"""Problems found in engagement files, each with its place in the file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int  # 1-based
    column: int  # 1-based
    field: str  # dotted field path, e.g. stages.action.items[2].status
    message: str  # what is wrong (what was expected)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class EngagementError(Exception):
    """One or more engagement files are invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (str(p.path), p.line, p.column))
        super().__init__(str(self))

    def __str__(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in engagement files:"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])
