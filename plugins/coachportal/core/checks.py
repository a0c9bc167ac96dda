"""Cross-checks of one engagement file that a field-by-field schema cannot express.

They run on the plain data read from YAML (not on the validated model), so that
they report their problems together with the schema's, in one pass:

* unique ids within the file: competencies, plan goals, action items; survey rounds;
* references: goal -> competency, development need -> competency, action item ->
  goal, survey result -> goal;
* date order: engagement start <= end, every stage's planned start <= end, call
  schedule first <= until, survey sent <= closed <= discussed and closed < corrected, phase-down start <=
  end; ``done_on`` only with ``status: done``.

Values of the wrong type are skipped here: the schema reports them. The engagement
id format (lowercase, no path traversal) is part of the schema
(:data:`coachportal.models.Id`); :func:`id_problem` words its message (the loader
uses it; so can anything else that checks an id, such as reader ids).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .models import ID_PATTERN, ITEM_ID_PATTERN
from .suggest import suggestion

Loc = tuple[str | int, ...]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ID = re.compile(ID_PATTERN)  # engagement and reader ids: URL slugs (the models' own pattern)
ITEM_ID = re.compile(ITEM_ID_PATTERN)  # goal, competency and action ids
_ID_EXPECTED = "lowercase letters, digits and dashes, starting with a letter or digit"
_ITEM_ID_EXPECTED = "letters, digits, '-' and '_', starting with a letter or digit"


def id_problem(value: str, item_id: bool = False) -> str | None:
    """Why ``value`` is not a valid id, as ``message (expected ...)``; None when it is valid.

    ``item_id``: the goal/competency/action id format (upper case allowed), else the
    engagement/reader id format (a URL slug).
    """
    pattern, expected = (ITEM_ID, _ITEM_ID_EXPECTED) if item_id else (ID, _ID_EXPECTED)
    if pattern.fullmatch(value):
        return None
    shown = value if len(value) <= 40 else value[:39] + "…"
    if "/" in value or "\\" in value or ".." in value:
        return f"'{shown}' is not a valid id: it must not contain '/', '\\' or '..' (expected {expected})"
    if value == "":
        return f"the id is empty (expected {expected})"
    if not item_id and ID.fullmatch(value.lower()):
        lower = value.lower()
        return (
            f"'{shown}' is not a valid id: it must be lower case; did you mean '{lower}'? "
            f"(expected {expected})"
        )
    slug = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-") if not item_id else ""
    if slug and ID.fullmatch(slug):
        return f"'{shown}' is not a valid id; did you mean '{slug}'? (expected {expected})"
    return f"'{shown}' is not a valid id (expected {expected})"


@dataclass(frozen=True)
class Finding:
    """One cross-check problem: where (a field path) and what (message with the expectation)."""

    loc: Loc
    message: str
    at_key: bool = False


def _get(data: Any, *path: str | int) -> Any:
    for part in path:
        if isinstance(part, int) and isinstance(data, list) and 0 <= part < len(data):
            data = data[part]
        elif isinstance(part, str) and isinstance(data, Mapping):
            data = data.get(part)
        else:
            return None
    return data


def _items(data: Any, *path: str | int) -> Iterator[tuple[int, Mapping[str, Any]]]:
    seq = _get(data, *path)
    if isinstance(seq, list):
        for i, item in enumerate(seq):
            if isinstance(item, Mapping):
                yield i, item


def _date(value: Any) -> dt.date | None:
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def cross_check(data: Mapping[str, Any], line_of: Callable[[Loc], int]) -> list[Finding]:
    """Every cross-field problem of one engagement's data; ``line_of(loc)`` names earlier lines."""
    found: list[Finding] = []

    # --- unique ids ---------------------------------------------------------
    def unique(kind: str, path: tuple[str, ...], key: str = "id") -> list[str]:
        seen: dict[Any, Loc] = {}
        for i, item in _items(data, *path):
            value = item.get(key)
            if not isinstance(value, str | int) or isinstance(value, bool):
                continue
            loc = (*path, i, key)
            if value in seen:
                found.append(
                    Finding(
                        loc,
                        f"duplicate {kind} '{value}': already used on line "
                        f"{line_of(seen[value])} (expected each {kind} once in the file)",
                    )
                )
            else:
                seen[value] = loc
        return [str(v) for v in seen]

    competencies = unique("competency id", ("stages", "analysis", "competencies"))
    goals = unique("goal id", ("stages", "analysis", "plan", "goals"))
    unique("action id", ("stages", "action", "items"))
    unique("survey round", ("stages", "achievement", "surveys"), key="round")

    # --- references ---------------------------------------------------------
    def refer(kind: str, known: list[str], defined_in: str, path: tuple[str | int, ...], key: str) -> None:
        for i, item in _items(data, *path):
            value = item.get(key)
            if not isinstance(value, str) or value in known:
                continue
            if known:
                expected = f"one of the {kind} ids: {', '.join(known)}"
            else:
                expected = f"the id of a {kind} in {defined_in}; none is defined"
            found.append(
                Finding(
                    (*path, i, key),
                    f"unknown {kind} '{value}'{suggestion(value, known)} (expected {expected})",
                )
            )

    comp_home = "stages.analysis.competencies"
    goal_home = "stages.analysis.plan.goals"
    refer("competency", competencies, comp_home, ("stages", "analysis", "plan", "goals"), "competency")
    refer(
        "competency",
        competencies,
        comp_home,
        ("stages", "analysis", "development_needs"),
        "competency",
    )
    refer("goal", goals, goal_home, ("stages", "action", "items"), "goal")
    for s, _survey in _items(data, "stages", "achievement", "surveys"):
        refer("goal", goals, goal_home, ("stages", "achievement", "surveys", s, "results"), "goal")

    # --- date order ---------------------------------------------------------
    def order(path: Loc, holder: Any, first: str, second: str) -> None:
        if not isinstance(holder, Mapping):
            return
        a, b = _date(holder.get(first)), _date(holder.get(second))
        if a and b and b < a:
            found.append(
                Finding(
                    (*path, second),
                    f"{second} {b} is before {first} {a} (expected {second} on or after {first})",
                )
            )

    order((), data, "start", "end")
    for stage in ("awareness", "analysis", "action", "achievement"):
        order(("stages", stage, "planned"), _get(data, "stages", stage, "planned"), "start", "end")
    order(("stages", "analysis", "calls"), _get(data, "stages", "analysis", "calls"), "first", "until")
    for s, survey in _items(data, "stages", "achievement", "surveys"):
        order(("stages", "achievement", "surveys", s), survey, "sent", "closed")
        order(("stages", "achievement", "surveys", s), survey, "closed", "discussed")
        corrected, closed = _date(survey.get("corrected")), _date(survey.get("closed"))
        if corrected is not None and (closed is None or corrected <= closed):
            found.append(
                Finding(
                    ("stages", "achievement", "surveys", s, "corrected"),
                    f"corrected {corrected} is not after closed {closed} (expected a correction"
                    " of a closed round, dated after it closed)"
                    if closed
                    else f"corrected {corrected} on a round that has no closed date"
                    " (expected corrected: only on a closed round)",
                )
            )
    order(
        ("stages", "achievement", "phase_down"),
        _get(data, "stages", "achievement", "phase_down"),
        "start",
        "end",
    )

    for i, item in _items(data, "stages", "action", "items"):
        status = item.get("status", "todo")
        if item.get("done_on") is not None and status in ("todo", "doing", "dropped"):
            shown = f"'{status}'" + (", the default" if "status" not in item else "")
            found.append(
                Finding(
                    ("stages", "action", "items", i, "done_on"),
                    f"done_on is set but status is {shown} (expected status: done, or no done_on)",
                )
            )
        if item.get("repeat") is not None and item.get("due") is not None:
            found.append(
                Finding(
                    ("stages", "action", "items", i, "due"),
                    "a repeating action has no single due date (expected either repeat or due, not both)",
                )
            )
    return found
