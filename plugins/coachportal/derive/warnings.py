"""Warnings about valid engagement files, placed like problems (``path:line:column: field:``).

A warning does not stop the build or ``validate``: a contract used beyond what was bought,
or ending before the engagement, is something to talk about, not an error in the file; a
value still as `coachportal new` wrote it is something to fill in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..core.errors import Problem
from ..core.models import Engagement
from ..load.cache import ParseCache
from ..load.loader import Source
from ..load.positions import Loc
from ..load.yamltext import read_text
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
    """:func:`unusual_findings` of each file, placed. Warnings: a portal that built
    yesterday still builds; the edit commands refuse to introduce any of them."""
    parses = parses or ParseCache(keep=False)
    out: list[Problem] = []
    for source in sources:
        out += _placed(source, unusual_findings(source.engagement, today), parses)
    return out


def unusual_findings(e: Engagement, today: dt.date) -> list[tuple[Loc, str]]:
    """What contradicts the file or the calendar: something that took place dated after
    ``today`` (a session, an action done or reported, a course correction, a survey discussed,
    follow-up feedback), a session or course correction outside the engagement, an engagement
    closed without its final report."""
    found: list[tuple[Loc, str]] = []
    if e.stage == "closed" and e.stages.achievement.final_report is None:
        found.append(
            (("stage",), "the engagement is closed but has no final report (stages.achievement.final_report)")
        )

    def happened(loc: Loc, what: str, day: dt.date | None, hint: str = "", within: bool = False) -> None:
        """``day`` is when ``what`` took place: not after today, and ``within`` the engagement."""
        if day is None:
            return
        if within and not e.start <= day <= e.end:
            found.append((loc, f"{what} {day} lies outside the engagement ({e.start} to {e.end})"))
        elif day > today:
            found.append((loc, f"{what} {day} is after today ({today}){hint}"))

    action, achievement = e.stages.action, e.stages.achievement
    for i, session in enumerate(action.sessions):
        where: Loc = ("stages", "action", "sessions", i)
        hint = ": a planned call belongs in the schedule"
        happened((*where, "date"), "session of", session.date, hint, within=True)
    for i, item in enumerate(action.items):
        where = ("stages", "action", "items", i)
        happened((*where, "done_on"), f"action {item.id} done on", item.done_on)
        for j, report in enumerate(item.reports):
            happened((*where, "reports", j, "date"), f"report on {item.id} of", report.date)
    for i, correction in enumerate(achievement.course_corrections):
        where = ("stages", "achievement", "course_corrections", i)
        happened((*where, "date"), "course correction of", correction.date, within=True)
    for i, survey in enumerate(achievement.surveys):
        where = ("stages", "achievement", "surveys", i, "discussed")
        happened(where, f"survey round {survey.round} discussed on", survey.discussed)
    follow_up = achievement.follow_up
    if follow_up and (follow_up.feedback or follow_up.accomplishments):  # else still planned
        happened(("stages", "achievement", "follow_up", "date"), "follow-up feedback of", follow_up.date)
    return found
