"""The programme view's figures of one engagement: contract usage, the next real date, the
last session and the survey means per round (the dashboard and the digest read them).

Sessions and hours are counted over every session of the file (``Action.totals``, counted
before redaction): a sponsor sees how much of the contract was used even where a session
itself is private to them. What the programme summary row adds up across engagements is
added up in the browser (assets/programme.js), because only the browser knows which
engagements a reader opened; this module supplies each engagement's own figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..core.i18n import Translator, english
from ..core.models import OPEN_STATUSES, Engagement
from .calendar_export import call_dates


@dataclass(frozen=True)
class Usage:
    """What was used of the contract, as of the file (private sessions counted)."""

    sessions: int
    minutes: int
    contracted_sessions: int | None
    contracted_hours: float | None
    until: dt.date | None

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def over_sessions(self) -> bool:
        return self.contracted_sessions is not None and self.sessions > self.contracted_sessions

    @property
    def over_hours(self) -> bool:
        return self.contracted_hours is not None and self.minutes > self.contracted_hours * 60

    @property
    def over(self) -> bool:
        return self.over_sessions or self.over_hours


def usage(e: Engagement) -> Usage:
    totals = e.stages.action.totals
    contract = e.contract
    return Usage(
        sessions=totals.count if totals else len(e.stages.action.sessions),
        minutes=totals.minutes if totals else sum(s.minutes for s in e.stages.action.sessions),
        contracted_sessions=contract.sessions if contract else None,
        contracted_hours=contract.hours if contract else None,
        until=contract.until if contract else None,
    )


def contract_warnings(e: Engagement) -> list[tuple[tuple[str, ...], str]]:
    """(field path, message) for a contract overused or ending before the engagement."""
    if e.contract is None:
        return []
    used = usage(e)
    out: list[tuple[tuple[str, ...], str]] = []
    if used.over_sessions:
        out.append(
            (
                ("contract", "sessions"),
                f"{used.sessions} sessions held, {used.contracted_sessions} contracted "
                "(expected no more sessions than the contract's)",
            )
        )
    if used.over_hours:
        out.append(
            (
                ("contract", "hours"),
                f"{used.hours:g} hours held, {used.contracted_hours:g} contracted "
                "(expected no more hours than the contract's)",
            )
        )
    if used.until is not None and used.until < e.end:
        out.append(
            (
                ("contract", "until"),
                f"the contract ends {used.until.isoformat()}, before the engagement's planned end "
                f"{e.end.isoformat()} (expected until on or after end)",
            )
        )
    return out


@dataclass(frozen=True)
class NextDate:
    date: dt.date
    what: str  # a generic label, never YAML text
    detail: str | None = None  # YAML text it is about (an action's title): escaped by templates


def upcoming_dates(e: Engagement, today: dt.date, t: Translator | None = None) -> list[NextDate]:
    """Every real date from today on, earliest first: scheduled calls, open actions' due dates,
    survey rounds to send or close, the current stage's planned end, the follow-up."""
    t = t or english()
    if e.stage == "closed":
        return []
    found = [*_coaching_dates(e, today, t), *_survey_dates(e, today, t)]
    planned = getattr(e.stages, e.stage).planned
    follow_up = e.stages.achievement.follow_up
    ends = [
        (planned.end if planned is not None else None, t("Planned end of the stage")),
        (follow_up.date if follow_up is not None else None, t("Follow-up")),
        (e.end, t("Planned end")),
    ]
    found += [NextDate(date, what) for date, what in ends if date is not None and date >= today]
    return sorted(found, key=lambda n: n.date)  # stable: on one day, the order above


def _coaching_dates(e: Engagement, today: dt.date, t: Translator) -> list[NextDate]:
    """Calls still to hold and open actions' due dates, from today on."""
    held = {s.date for s in e.stages.action.sessions}
    schedule = e.stages.analysis.calls
    # a cadence we cannot read still has its first call
    calls = call_dates(e) or ([schedule.first] if schedule and schedule.first else [])
    found = [NextDate(d, t("Coaching call")) for d in calls if d >= today and d not in held]
    found += [
        NextDate(i.due, t("Action due"), i.title)
        for i in e.stages.action.items
        if i.due is not None and i.repeat is None and i.status in OPEN_STATUSES and i.due >= today
    ]
    return found


def _survey_dates(e: Engagement, today: dt.date, t: Translator) -> list[NextDate]:
    """Survey rounds to send, or to close, from today on."""
    found: list[NextDate] = []
    for survey in e.stages.achievement.surveys:
        if survey.sent >= today:
            found.append(NextDate(survey.sent, t("Survey round {round} to send", round=survey.round)))
        elif survey.closed is not None and survey.closed >= today:
            found.append(NextDate(survey.closed, t("Survey round {round} closes", round=survey.round)))
    return found


def next_date(e: Engagement, today: dt.date, t: Translator | None = None) -> NextDate | None:
    dates = upcoming_dates(e, today, t)
    return dates[0] if dates else None


def last_session(e: Engagement, today: dt.date) -> dt.date | None:
    """The latest session this view lists, up to today (a private one stays unnamed)."""
    return max((s.date for s in e.stages.action.sessions if s.date <= today), default=None)


def survey_means(e: Engagement) -> dict[int, float]:
    """Per survey round, the mean rating (-3..+3: the change stakeholders saw) over every goal
    with figures, weighted by responses; rounds without figures are left out."""
    out: dict[int, float] = {}
    for survey in e.stages.achievement.surveys:
        figures = [r.aggregate.total for r in survey.results if r.aggregate and r.aggregate.total]
        n = sum(f.n for f in figures)
        if n:
            out[survey.round] = round(sum(f.mean * f.n for f in figures) / n, 2)
    return out
