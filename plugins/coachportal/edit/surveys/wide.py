"""One row per rater, one column per question: which column is what, then every cell read.

A column belongs to a goal when its heading (or its grid row label) contains the goal's
id as a word or the goal's text (compared by :func:`vocabulary.normalise`); ``--map``
names the rest. The rater-group column is the one whose answers are all group names.
A column whose answers read as ratings is a rating column; any other is free text: on
the goal it names, else on the goal whose ratings it follows, else on the round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .result import Imported, Options, Problems, Result
from .sheet import META, TEXT, Column, Sheet
from .table import Row
from .values import read_rating
from .vocabulary import (
    COMMENT_WORDS,
    GENERAL_WORDS,
    GROUPS,
    SELF_SKIPPED,
    group_of,
    has_word,
    is_self,
    normalise,
)

ROUND = ""  # the "goal" of a comment on the round


@dataclass
class Plan:
    group: Column
    ratings: dict[int, str] = field(default_factory=dict)  # column index -> goal
    comments: dict[int, str] = field(default_factory=dict)  # column index -> goal, or ROUND


def goals_named(column: Column, goals: dict[str, str], maps: dict[str, str]) -> list[str] | None:
    """The goals a column names; None when --map leaves it out."""
    for text in (column.heading, *column.texts):
        key = normalise(text)
        if key in maps:
            return [maps[key]] if maps[key] else None
    for text in column.texts:
        key = f" {normalise(text)} "
        found = [
            goal
            for goal, words in goals.items()
            if re.search(rf"(?<![\w]){re.escape(normalise(goal))}(?![\w])", key)
            or (normalise(words) and f" {normalise(words)} " in key)
        ]
        if found:
            return found
    return []


def _answers(sheet: Sheet, column: Column) -> list[tuple[Row, str]]:
    return [(row, row.cell(column.index)) for row in sheet.rows if row.number not in sheet.skipped]


def find_group_column(sheet: Sheet, options: Options, problems: Problems) -> Column | None:
    candidates = [c for c in sheet.columns if c.kind != META]
    if options.group_column:
        return _named_group_column(sheet, candidates, options.group_column, problems)
    found = _group_columns(sheet, candidates)
    if len(found) == 1:
        return found[0]
    if not found:
        message = (
            "no column holds only rater groups (" + ", ".join(GROUPS) + ", or their usual names); "
            "name it with --group-column HEADING"
        )
    else:
        message = "several columns hold rater groups: " + ", ".join(repr(c.heading) for c in found)
        message += "; name one with --group-column HEADING"
    problems.add(sheet.header_row, None, None, message)
    return None


def _named_group_column(
    sheet: Sheet, candidates: list[Column], name: str, problems: Problems
) -> Column | None:
    """The column ``--group-column`` names (by heading or question text)."""
    wanted = normalise(name)
    named = [c for c in candidates if wanted in {normalise(t) for t in (c.heading, *c.texts)}]
    if not named:
        headings = ", ".join(repr(c.heading) for c in candidates)
        problems.add(sheet.header_row, None, None, f"--group-column: no column {name!r} ({headings})")
        return None
    return named[0]


def _group_columns(sheet: Sheet, candidates: list[Column]) -> list[Column]:
    """Columns whose answers are all rater groups, or else those where most of them are."""
    found, mostly = [], []
    for column in candidates:
        answers = [cell for _row, cell in _answers(sheet, column) if cell.strip()]
        named = sum(1 for cell in answers if group_of(cell) or is_self(cell))
        if answers and named == len(answers):
            found.append(column)
        elif answers and named * 2 > len(answers):
            mostly.append(column)  # its other answers are then reported as unknown groups
    return found or mostly


def _is_text(sheet: Sheet, column: Column, offset: int) -> bool:
    if column.kind == TEXT or has_word(column.heading, COMMENT_WORDS):
        return True
    return not any(read_rating(cell, offset).is_rating_like for _row, cell in _answers(sheet, column))


def plan_columns(sheet: Sheet, goals: dict[str, str], options: Options, problems: Problems) -> Plan | None:
    """Decide every column's role; a problem for every column that cannot be placed."""
    group = find_group_column(sheet, options, problems)
    if group is None:
        return None
    plan = Plan(group)
    seen: dict[str, Column] = {}
    last_goal = ROUND
    for column in sheet.columns:
        if column.kind == META or column is group:
            continue
        named = goals_named(column, goals, options.maps)
        if named is None:
            continue
        here = (sheet.header_row, column.index, column.heading)
        if len(named) > 1:
            problems.add(*here, f"names {len(named)} goals ({', '.join(named)}); say which with --map")
            continue
        if _is_text(sheet, column, options.offset):
            if named:
                plan.comments[column.index] = named[0]
            elif has_word(column.heading, GENERAL_WORDS):
                plan.comments[column.index] = ROUND
            else:
                plan.comments[column.index] = last_goal
            continue
        if not named:
            problems.add(
                *here,
                "holds ratings but names no goal: add --map 'HEADING=G1' (or 'HEADING=' to leave it out)",
            )
            continue
        goal = named[0]
        if goal in seen:
            problems.add(*here, f"is a second rating column for {goal} (the first is {seen[goal].heading!r})")
            continue
        seen[goal] = column
        plan.ratings[column.index] = goal
        last_goal = goal
    return plan


def read_wide(sheet: Sheet, goals: dict[str, str], options: Options) -> Imported:
    problems = Problems(sheet.table.path)
    plan = plan_columns(sheet, goals, options, problems)
    problems.raise_any()
    assert plan is not None
    order = [g for g in goals if g in plan.ratings.values()]
    results = {goal: Result(goal) for goal in order}
    imported = Imported(sheet.table.path, sheet.layout, sheet.table.encoding, [])
    imported.roles = _roles(sheet, plan)
    for row in sheet.rows:
        if row.number in sheet.skipped:
            imported.skipped.append(f"row {row.number}: {sheet.skipped[row.number]}")
            continue
        _read_row(sheet, plan, row, options, results, imported, problems)
    problems.raise_any()
    imported.results = [r for r in results.values() if r.groups or r.comments]
    if not imported.results:
        raise_none(sheet)
    return imported


def raise_none(sheet: Sheet) -> None:
    from ..errors import EditError

    raise EditError(f"{sheet.table.path}: no ratings in the file (every rater row is empty or skipped)")


def _read_row(
    sheet: Sheet,
    plan: Plan,
    row: Row,
    options: Options,
    results: dict[str, Result],
    imported: Imported,
    problems: Problems,
) -> None:
    used = [*plan.ratings, *plan.comments]
    if not any(row.cell(i).strip() for i in used):
        imported.skipped.append(f"row {row.number}: no answers")
        return
    label = row.cell(plan.group.index)
    group = group_of(label)
    if group is None and is_self(label):
        imported.skipped.append(f"row {row.number}: {SELF_SKIPPED.format(label=label)}")
        return
    if group is None:
        problems.add(
            row.number, plan.group.index, plan.group.heading,
            f"unknown rater group {label!r} (expected {', '.join(GROUPS)} or their usual names)",
        )  # fmt: skip
        return
    imported.raters += 1
    for index, goal in plan.ratings.items():
        cell = row.cell(index)
        if not cell.strip():
            imported.blanks += 1
            continue
        reading = read_rating(cell, options.offset)
        if reading.value is None:
            problems.add(
                row.number,
                index,
                sheet.columns[index].heading,
                reading.problem or f"{cell!r} is not a rating",
            )
            continue
        results[goal].groups.setdefault(group, []).append(reading.value)
    for index, goal in plan.comments.items():
        text = row.cell(index)
        if not text.strip():
            continue
        comment = {"group": group, "text": text}
        if goal == ROUND:
            imported.comments.append(comment)
        else:
            results.setdefault(goal, Result(goal)).comments.append(comment)


def _roles(sheet: Sheet, plan: Plan) -> list[str]:
    roles = [f"{plan.group.index + 1} {plan.group.heading!r}: rater groups"]
    for column in sheet.columns:
        if column.index in plan.ratings:
            roles.append(f"{column.index + 1} {column.heading!r}: ratings on {plan.ratings[column.index]}")
        elif column.index in plan.comments:
            goal = plan.comments[column.index]
            roles.append(f"{column.index + 1} {column.heading!r}: comments on {goal or 'the round'}")
    return roles
