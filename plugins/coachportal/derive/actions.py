"""Goals, the action checklist and the session log of an (already redacted) engagement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..core.cadence import cadence_days
from ..core.i18n import Translator, english
from ..core.models import (
    ACTION_KIND_LABELS,
    ACTION_STATUS_LABELS,
    OPEN_STATUSES,
    REPEAT_LABELS,
    ActionItem,
    ActionReport,
    Competency,
    Engagement,
    Goal,
    Session,
    SessionTotals,
    session_totals,
)
from .formatting import done_of, fmt_date, fmt_days, fmt_minutes


def goals(e: Engagement) -> list[Goal]:
    plan = e.stages.analysis.plan
    return list(plan.goals) if plan else []


def competencies(e: Engagement) -> dict[str, Competency]:
    return {c.id: c for c in e.stages.analysis.competencies}


def is_overdue(item: ActionItem, today: dt.date) -> bool:
    """An open action past its due date; a repeating one never is, as a whole."""
    return item.repeat is None and item.due is not None and item.due < today and item.status in OPEN_STATUSES


def overdue(e: Engagement, today: dt.date) -> list[ActionItem]:
    """Open action items whose due date has passed, earliest first."""
    items = [i for i in e.stages.action.items if is_overdue(i, today)]
    return sorted(items, key=lambda i: (i.due, i.id))


@dataclass(frozen=True)
class ActionRow:
    item: ActionItem
    overdue: bool
    kind_label: str
    status_label: str
    t: Translator = field(default_factory=english, repr=False, compare=False)

    @property
    def repeat_label(self) -> str | None:
        return self.t.label(REPEAT_LABELS, self.item.repeat) if self.item.repeat else None

    @property
    def reports(self) -> tuple[ActionReport, ...]:
        """What the checklist shows: every report, or a habit's latest one."""
        reports = tuple(sorted(self.item.reports, key=lambda r: r.date))
        return reports[-1:] if self.item.repeat else reports

    @property
    def earlier_reports(self) -> tuple[ActionReport, ...]:
        """A habit's reports before its latest, newest first (folded away on the page)."""
        reports = sorted(self.item.reports, key=lambda r: r.date, reverse=True)
        return tuple(reports[1:]) if self.item.repeat else ()


@dataclass(frozen=True)
class Tally:
    """Actions done of those still planned (dropped ones do not count against a goal)."""

    done: int
    total: int  # every action except the dropped ones
    dropped: int = 0
    t: Translator = field(default_factory=english, repr=False, compare=False)

    @property
    def percent(self) -> int:
        return round(self.done / self.total * 100) if self.total else 0

    @property
    def bar_pct(self) -> float:
        """Width of a progress bar's fill, in percent."""
        return round(self.done / self.total * 100, 1) if self.total else 0.0

    @property
    def text(self) -> str:
        return done_of(self.done, self.total, self.dropped, self.t)

    @property
    def actions_done(self) -> str:
        """ "4 of 6 actions done" (the portfolio's line; dropped ones left out)."""
        if not self.total:
            return self.t("no actions yet")
        return self.t.n("{done} of {n} action done", "{done} of {n} actions done", self.total, done=self.done)


def tally(items: Iterable[ActionItem], t: Translator | None = None) -> Tally:
    items = list(items)
    return Tally(
        done=sum(1 for i in items if i.status == "done"),
        total=sum(1 for i in items if i.status != "dropped"),
        dropped=sum(1 for i in items if i.status == "dropped"),
        t=t or english(),
    )


def completion(e: Engagement, t: Translator | None = None) -> Tally:
    return tally(e.stages.action.items, t)


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal | None  # None: actions whose goal is not in this view's plan
    competency: Competency | None
    rows: tuple[ActionRow, ...]
    tally: Tally
    overdue: int
    t: Translator = field(default_factory=english, repr=False, compare=False)

    @property
    def done(self) -> int:
        return self.tally.done

    @property
    def total(self) -> int:
        return self.tally.total

    @property
    def dropped(self) -> int:
        return self.tally.dropped

    @property
    def percent(self) -> int:
        return self.tally.percent

    @property
    def complete(self) -> bool:
        return bool(self.total) and self.done == self.total

    @property
    def summary(self) -> str:
        if not self.total:
            return self.t("No actions yet") if not self.dropped else self.t("All actions dropped")
        return self.t("{done} of {total} done", done=self.done, total=self.total)

    @property
    def overdue_text(self) -> str:
        """ "2 overdue" (a badge beside the goal's progress)."""
        return self.t.n("{n} overdue", "{n} overdue", self.overdue)


def _rows(items: Iterable[ActionItem], today: dt.date, t: Translator) -> tuple[ActionRow, ...]:
    def order(i: ActionItem):
        return (i.status == "dropped", i.due or dt.date.max, i.id)

    return tuple(
        ActionRow(
            i,
            is_overdue(i, today),
            t.label(ACTION_KIND_LABELS, i.kind),
            t.label(ACTION_STATUS_LABELS, i.status),
            t,
        )
        for i in sorted(items, key=order)
    )


def _progress(
    goal: Goal | None, competency: Competency | None, items: list[ActionItem], today: dt.date, t: Translator
) -> GoalProgress:
    return GoalProgress(
        goal=goal,
        competency=competency,
        rows=_rows(items, today, t),
        tally=tally(items, t),
        overdue=sum(1 for i in items if is_overdue(i, today)),
        t=t,
    )


def goal_progress(e: Engagement, today: dt.date, t: Translator | None = None) -> list[GoalProgress]:
    """Per goal: its actions, done / total (dropped excluded), overdue count.

    Actions that point at a goal this view does not have come last, under ``goal=None``.
    """
    t = t or english()
    comps = competencies(e)
    plan_goals = goals(e)
    known = {g.id for g in plan_goals}
    items = e.stages.action.items
    out = [
        _progress(g, comps.get(g.competency), [i for i in items if i.goal == g.id], today, t)
        for g in plan_goals
    ]
    orphans = [i for i in items if i.goal not in known]
    if orphans:
        out.append(_progress(None, None, orphans, today, t))
    return out


# --- sessions ----------------------------------------------------------------


@dataclass(frozen=True)
class SessionLog:
    sessions: tuple[Session, ...]  # those this view lists
    totals: SessionTotals  # every session, private ones included
    has_details: bool  # any topics, successes, problems or notes in this view
    gap: str | None = None  # "No session since 23 Apr 2026; planned every 2 weeks."
    t: Translator = field(default_factory=english, repr=False, compare=False)

    @property
    def count(self) -> int:
        return self.totals.count

    @property
    def minutes(self) -> int:
        return self.totals.minutes

    @property
    def duration(self) -> str:
        return fmt_minutes(self.totals.minutes, self.t)

    @property
    def summary(self) -> str:
        """ "4 coaching sessions, 4 h 15 min in total, including 1 private" """
        t = self.t
        text = t.n(
            "{n} coaching session, {duration} in total",
            "{n} coaching sessions, {duration} in total",
            self.count,
            duration=self.duration,
        )
        if not self.totals.hidden:
            return text
        return t("{text}, including {hidden} private", text=text, hidden=self.totals.hidden)

    @property
    def count_text(self) -> str:
        """ "4, 4 h 15 min in total" (the final report's fact)."""
        return self.t("{count}, {duration} in total", count=self.count, duration=self.duration)


def _gap(
    totals: SessionTotals, cadence: str | None, today: dt.date, running: bool, t: Translator
) -> str | None:
    """A long silence: no session for more than twice the planned cadence."""
    days = cadence_days(cadence)
    if not running or days is None or totals.latest is None or (today - totals.latest).days <= 2 * days:
        return None
    if totals.latest_hidden:  # its date is private to this view: say only that the gap is long
        return t(
            "No session for more than {span}; planned {cadence}.", span=fmt_days(2 * days, t), cadence=cadence
        )
    return t("No session since {date}; planned {cadence}.", date=fmt_date(totals.latest, t), cadence=cadence)


def session_log(e: Engagement, today: dt.date, t: Translator | None = None) -> SessionLog:
    sessions = tuple(sorted(e.stages.action.sessions, key=lambda s: s.date))
    details = any(s.topics or s.successes or s.problems or s.notes for s in sessions)
    totals = e.stages.action.totals or session_totals(list(sessions))
    calls = e.stages.analysis.calls
    running = e.stage == "action"  # sessions are expected while the client practises
    t = t or english()
    gap = _gap(totals, calls.cadence if calls else None, today, running, t)
    return SessionLog(sessions, totals, details, gap, t)
