"""What an import read: ratings and comments per goal, comments on the round, and a report of it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EditError


@dataclass
class Result:
    goal: str
    groups: dict[str, list[int]] = field(default_factory=dict)
    comments: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Options:
    maps: dict[str, str] = field(default_factory=dict)  # heading -> goal id ("" leaves it out)
    group_column: str | None = None
    offset: int = 0  # subtracted from bare numbers: 4 for a numeric 1..7 scale
    columns: dict[str, str] | None = None  # the long format's --columns
    delimiter: str | None = None
    layout: str | None = None


@dataclass
class Imported:
    source: Path
    layout: str
    encoding: str
    results: list[Result]
    comments: list[dict[str, str]] = field(default_factory=list)  # on the round
    raters: int = 0
    blanks: int = 0
    roles: list[str] = field(default_factory=list)  # "'Heading' -> G1 ratings", ...
    skipped: list[str] = field(default_factory=list)  # "row 5: no answers", ...

    def report(self) -> list[str]:
        lines = [f"{self.source}: {self.layout} export ({self.encoding}), {self.raters} rater(s) read"]
        lines += [f"  column {role}" for role in self.roles]
        for result in self.results:
            counts = ", ".join(f"{group} {len(r)}" for group, r in result.groups.items())
            total = sum(len(r) for r in result.groups.values())
            lines.append(f"  {result.goal}: {total} rating(s) ({counts or 'none'})")
        on_goals = sum(len(r.comments) for r in self.results)
        lines.append(f"  blank answers skipped: {self.blanks}")
        lines.append(f"  comments kept: {on_goals} on goals")
        if self.comments:  # Survey has no field for them yet: said, never dropped silently
            lines.append(
                f"  NOT imported: {len(self.comments)} comment(s) on the round as a whole (no field yet)"
            )
        lines += [f"  skipped {line}" for line in self.skipped]
        return lines


class Problems:
    """Every problem of one export, then one EditError naming them all."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: list[str] = []

    def add(self, row: int, column: int | None, heading: str | None, message: str) -> None:
        where = f"{self.path}:{row}" + (f":{column + 1}" if column is not None else "")
        shown = f" ({_short(heading)})" if heading else ""
        self.lines.append(f"{where}{shown}: {message}")

    def raise_any(self) -> None:
        if not self.lines:
            return
        count = Counter(self.lines)
        unique = list(count)
        noun = "problem" if len(unique) == 1 else "problems"
        raise EditError(
            f"{self.path}: {len(unique)} {noun}; nothing was imported:\n"
            + "\n".join(f"  {p}" for p in unique)
        )


def _short(heading: str, limit: int = 60) -> str:
    flat = " ".join(heading.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
