"""Stakeholder mini-survey results from a survey tool's CSV export.

Microsoft Forms, Google Forms and Qualtrics all export CSV. The file has one row per
rater and goal: the plan goal's id, the rater's group, the rating on the -3..+3 scale
and an optional comment. Column names differ between tools, so they can be mapped
(``--columns goal=Goal,group=Role,rating=Score,comment=Comment``).

Rater groups: the models accept any text, and ``surveys.py`` only gives the manager a
rule of its own. To catch typos in an export, this importer accepts the groups the
reference engagement uses (:data:`KNOWN_GROUPS`); a spelling such as ``Direct reports``
is normalised to ``direct-reports``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.suggest import suggestion
from .errors import EditError

COLUMNS = ("goal", "group", "rating", "comment")
REQUIRED = ("goal", "group", "rating")
# The groups of shared/examples/engagement.yml; "others" is what the portal shows for folded groups.
KNOWN_GROUPS = ("manager", "direct-reports", "peers", "other")
MIN_RATING, MAX_RATING = -3, 3


@dataclass
class Result:
    goal: str
    groups: dict[str, list[int]] = field(default_factory=dict)
    comments: list[dict[str, str]] = field(default_factory=list)


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


def _group(value: str) -> str:
    return re.sub(r"[\s_]+", "-", value.strip().lower())


def _rows(path: Path) -> tuple[list[str], csv.DictReader[str], io.StringIO]:
    try:
        text = path.read_text(encoding="utf-8-sig")  # Excel writes a byte-order mark
    except FileNotFoundError:
        raise EditError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EditError(f"{path}: cannot read it as UTF-8 text ({exc})") from None
    first = text.splitlines()[0] if text.strip() else ""
    if not first:
        raise EditError(f"{path}:1: the file is empty (expected a header line, then one row per rating)")
    try:
        dialect: Any = csv.Sniffer().sniff(first, delimiters=",;\t")  # ; in many European locales
    except csv.Error:
        dialect = csv.excel
    buffer = io.StringIO(text, newline="")
    reader = csv.DictReader(buffer, dialect=dialect)
    return list(reader.fieldnames or []), reader, buffer


def read_results(path: Path, goals: Collection[str], columns: dict[str, str]) -> list[Result]:
    """Results per goal, in the order goals first appear; EditError listing every bad row."""
    header, reader, _buffer = _rows(path)
    missing = [f"{columns[c]!r}" for c in REQUIRED if columns[c] not in header]
    if missing:
        raise EditError(
            f"{path}:1: missing column(s) {', '.join(missing)} (columns in the file: {', '.join(header)};"
            " map them with --columns goal=...,group=...,rating=...)"
        )
    results: dict[str, Result] = {}
    problems: list[str] = []
    for row in reader:
        line = reader.line_num
        goal = (row.get(columns["goal"]) or "").strip()
        group = _group(row.get(columns["group"]) or "")
        rating_text = (row.get(columns["rating"]) or "").strip()
        comment = (row.get(columns["comment"]) or "").strip() if columns["comment"] in header else ""
        if not goal and not group and not rating_text:
            continue  # a blank line at the end of an export
        found = _row_problems(goal, group, rating_text, goals)
        problems.extend(f"{path}:{line}: {p}" for p in found)
        if found:
            continue
        result = results.setdefault(goal, Result(goal))
        result.groups.setdefault(group, []).append(int(rating_text))
        if comment:
            result.comments.append({"group": group, "text": comment})
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        raise EditError(f"{path}: {count}; nothing was imported:\n" + "\n".join(f"  {p}" for p in problems))
    if not results:
        raise EditError(f"{path}: no ratings in the file (expected one row per rater and goal)")
    return list(results.values())


def _row_problems(goal: str, group: str, rating: str, goals: Collection[str]) -> list[str]:
    problems: list[str] = []
    if goal not in goals:
        known = ", ".join(goals) or "none: the plan has no goals yet"
        problems.append(f"unknown goal {goal!r}{suggestion(goal, goals)} (plan goals: {known})")
    if group not in KNOWN_GROUPS:
        problems.append(
            f"unknown group {group!r}{suggestion(group, KNOWN_GROUPS)}"
            f" (expected one of: {', '.join(KNOWN_GROUPS)})"
        )
    try:
        value = int(rating)
    except ValueError:
        problems.append(f"rating {rating!r} is not a whole number (expected {MIN_RATING}..+{MAX_RATING})")
    else:
        if not MIN_RATING <= value <= MAX_RATING:
            problems.append(f"rating {value} is outside the scale (expected {MIN_RATING}..+{MAX_RATING})")
    return problems


def plan_goals(data: Any) -> list[str]:
    """The plan's goal ids in a round-trip loaded engagement."""
    try:
        goals = data["stages"]["analysis"]["plan"]["goals"] or []
    except (KeyError, TypeError):
        return []
    return [str(g["id"]) for g in goals if isinstance(g, dict) and "id" in g]
