"""The long format: one row per rater and goal (``goal,group,rating[,comment]``).

Column names can be mapped (``--columns goal=Goal,group=Role,rating=Score,comment=Comment``).
"""

from __future__ import annotations

from ...core.suggest import suggestion
from ..errors import EditError
from .result import Imported, Options, Problems, Result
from .table import Row, Table
from .values import Reading, read_rating
from .vocabulary import GROUPS, SELF_SKIPPED, group_of, is_self, normalise

NAME = "long (goal, group, rating)"
COLUMNS = ("goal", "group", "rating", "comment")
REQUIRED = ("goal", "group", "rating")


def parse_columns(spec: str | None) -> dict[str, str]:
    """``goal=Goal,group=Role`` -> our column -> the export's column name."""
    mapping = {name: name for name in COLUMNS}
    if not spec:
        return mapping
    for part in spec.split(","):
        ours, sep, theirs = part.partition("=")
        ours, theirs = ours.strip(), theirs.strip()
        if not sep or ours not in COLUMNS or not theirs:
            raise EditError(
                f"--columns: {part.strip()!r} is not NAME=COLUMN with NAME one of {', '.join(COLUMNS)}"
                " (e.g. goal=Goal,group=Role,rating=Score,comment=Comment)"
            )
        mapping[ours] = theirs
    return mapping


def _positions(table: Table, columns: dict[str, str]) -> dict[str, int]:
    header = [normalise(h) for h in table.rows[0].cells] if table.rows else []
    return {
        ours: header.index(normalise(theirs))
        for ours, theirs in columns.items()
        if normalise(theirs) in header
    }


def matches(table: Table, columns: dict[str, str]) -> bool:
    return all(name in _positions(table, columns) for name in REQUIRED)


def _require(table: Table, columns: dict[str, str], where: dict[str, int]) -> None:
    header = table.rows[0].cells if table.rows else []
    missing = [f"{columns[c]!r}" for c in REQUIRED if c not in where]
    if missing:
        raise EditError(
            f"{table.path}:1: missing column(s) {', '.join(missing)} "
            f"(columns in the file: {', '.join(header)};"
            " map them with --columns goal=...,group=...,rating=...)"
        )


class _Checker:
    """One row's goal, group and rating checked, each problem at its cell."""

    def __init__(
        self, table: Table, where: dict[str, int], goals: dict[str, str], problems: Problems
    ) -> None:
        self.header = table.rows[0].cells if table.rows else []
        self.where, self.goals, self.problems = where, goals, problems

    def problem(self, row: Row, column: str, message: str) -> None:
        index = self.where[column]
        self.problems.add(row.number, index, self.header[index], message)

    def row(self, row: Row, goal: str, label: str, rating: str, offset: int) -> tuple[str | None, Reading]:
        """The row's group and rating (the group None, or a problem added, when it is unusable)."""
        if goal not in self.goals:
            known = ", ".join(self.goals) or "none: the plan has no goals yet"
            self.problem(
                row, "goal", f"unknown goal {goal!r}{suggestion(goal, self.goals)} (plan goals: {known})"
            )
        group = group_of(label)
        if group is None:
            self.problem(
                row,
                "group",
                f"unknown rater group {label!r}{suggestion(label, GROUPS)}"
                f" (expected {', '.join(GROUPS)} or their usual names)",
            )
        reading = read_rating(rating, offset)
        if rating and reading.value is None:
            self.problem(row, "rating", reading.problem or f"{rating!r} is not a rating")
        return group, reading


def _add(imported: Imported, result: Result, group: str, reading: Reading, comment: str) -> None:
    imported.raters += 1
    if reading.value is None:
        imported.blanks += 1
    else:
        result.groups.setdefault(group, []).append(reading.value)
    if comment.strip():
        result.comments.append({"group": group, "text": comment})


def header_rows(table: Table) -> int:
    """The column names only."""
    return 1


def read_long(table: Table, goals: dict[str, str], options: Options) -> Imported:
    columns = options.columns or parse_columns(None)
    where = _positions(table, columns)
    _require(table, columns, where)
    problems = Problems(table.path)
    check = _Checker(table, where, goals, problems)
    results: dict[str, Result] = {}
    imported = Imported(table.path, NAME, table.encoding, [])
    for row in table.rows[header_rows(table) :]:
        goal, label, rating = (row.cell(where[c]).strip() for c in REQUIRED)
        comment = row.cell(where["comment"]) if "comment" in where else ""
        if not (goal or label or rating or comment.strip()):
            continue
        if is_self(label):
            imported.skipped.append(f"row {row.number}: {SELF_SKIPPED.format(label=label)}")
            continue
        found = len(problems.lines)
        group, reading = check.row(row, goal, label, rating, options.offset)
        if len(problems.lines) > found or group is None:
            continue
        _add(imported, results.setdefault(goal, Result(goal)), group, reading, comment)
    problems.raise_any()
    imported.results = list(results.values())
    if not imported.results:
        raise EditError(f"{table.path}: no ratings in the file (expected one row per rater and goal)")
    header = check.header
    imported.roles = [f"{where[c] + 1} {header[where[c]]!r}: {c}" for c in COLUMNS if c in where]
    return imported
