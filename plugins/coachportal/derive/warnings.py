"""Warnings about valid engagement files, placed like problems (``path:line:column: field:``).

A warning does not stop the build or ``validate``: a contract used beyond what was bought,
or ending before the engagement, is something to talk about, not an error in the file; a
value still as `coachportal new` wrote it is something to fill in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..core.errors import Problem
from ..load.cache import ParseCache
from ..load.loader import Source
from ..load.yamltext import Loc, read_text
from .programme import contract_warnings

# What `coachportal new` writes where the coach's own words go (edit/scaffold.py uses these).
SCAFFOLD_PLACEHOLDERS: dict[tuple[str, str], str] = {
    ("client", "name"): "Client name",
    ("client", "role"): "Role",
    ("client", "organization"): "Organization",
    ("coach", "name"): "Coach name",
}


def placeholder_problems(sources: Iterable[Source], parses: ParseCache | None = None) -> list[Problem]:
    """Every value of ``sources`` still as the scaffold wrote it, placed in its file."""
    parses = parses or ParseCache(keep=False)
    message = "still the scaffold's placeholder {!r}: replace it with the real value"
    out: list[Problem] = []
    for source in sources:
        left = [
            (loc, message.format(text))
            for loc, text in SCAFFOLD_PLACEHOLDERS.items()
            if getattr(getattr(source.engagement, loc[0], None), loc[1], None) == text
        ]
        out += _placed(source, left, parses)
    return out


def contract_problems(sources: Iterable[Source], parses: ParseCache | None = None) -> list[Problem]:
    """Every contract warning of ``sources``, placed in the file that holds it (``parses``:
    the loader's cache, so the files just validated are not parsed again)."""
    parses = parses or ParseCache(keep=False)
    out: list[Problem] = []
    for source in sources:
        out += _placed(source, contract_warnings(source.engagement), parses)
    return out


def _placed(source: Source, found: list[tuple[Loc, str]], parses: ParseCache) -> list[Problem]:
    """``found`` (field path, message) as problems at their line and column in the file
    (the file is parsed only when there is something to place)."""
    if not found:
        return []
    positions = parses.parse(read_text(source.path)).positions
    return [
        Problem(source.path, *positions.value(loc), ".".join(str(part) for part in loc), message)
        for loc, message in found
    ]


def unusual_problems(
    sources: Iterable[Source], today: dt.date, parses: ParseCache | None = None
) -> list[Problem]:
    """What the edit commands refuse, found in a hand-edited file: a session outside the
    engagement's start and end or after ``today``, an action done after ``today``, an
    engagement closed without its final report. Warnings: a portal that built yesterday
    still builds."""
    parses = parses or ParseCache(keep=False)
    out: list[Problem] = []
    for source in sources:
        e = source.engagement
        found: list[tuple[Loc, str]] = []
        if e.stage == "closed" and e.stages.achievement.final_report is None:
            found.append(
                (
                    ("stage",),
                    "the engagement is closed but has no final report (stages.achievement.final_report)",
                )
            )
        for i, session in enumerate(e.stages.action.sessions):
            loc: Loc = ("stages", "action", "sessions", i, "date")
            if not e.start <= session.date <= e.end:
                found.append(
                    (loc, f"session of {session.date} lies outside the engagement ({e.start} to {e.end})")
                )
            elif session.date > today:
                found.append(
                    (
                        loc,
                        f"session of {session.date} is after today ({today}):"
                        " a planned call belongs in the schedule",
                    )
                )
        for i, item in enumerate(e.stages.action.items):
            if item.done_on and item.done_on > today:
                found.append(
                    (
                        ("stages", "action", "items", i, "done_on"),
                        f"done on {item.done_on}, after today ({today})",
                    )
                )
        out += _placed(source, found, parses)
    return out
