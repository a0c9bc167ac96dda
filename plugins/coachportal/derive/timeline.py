"""The engagement in time: its dated events, the stage timeline, key dates and status.

One table of dated events (:func:`events`) feeds both the milestones (markers and
key dates) and the "actual" bar of each stage: a field with a date is listed once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..core.i18n import Translator, english
from ..core.models import STAGE_BLURBS, STAGE_LABELS, STAGE_NAMES, STAGES, Engagement, Period
from . import axis
from .actions import overdue
from .formatting import fmt_date


@dataclass(frozen=True)
class Event:
    """A dated event of the engagement, with a generic label (never YAML text)."""

    date: dt.date
    label: str
    stage: str
    detail: str | None = None  # YAML text (e.g. an assessment name); templates escape it
    milestone: bool = True  # a key date; False: activity only (it still dates the stage's bar)
    on_timeline: bool = True  # a milestone also drawn as a marker on the stage timeline
    upcoming: bool = False  # dated after `today`


def _stage_index(stage: str) -> int:
    return len(STAGES) if stage == "closed" else STAGES.index(stage)


def _awareness(e: Engagement, t: Translator) -> list[tuple]:
    aw = e.stages.awareness
    return [
        (aw.kickoff and aw.kickoff.date, t("Kickoff"), {}),
        (aw.one_on_one and aw.one_on_one.date, t("One-on-one"), {"on_timeline": False}),
        (aw.interview and aw.interview.date, t("In-depth interview"), {"on_timeline": False}),
    ]


def _analysis(e: Engagement, t: Translator) -> list[tuple]:
    an = e.stages.analysis
    rows: list[tuple] = [
        (a.date, t("Assessment"), {"detail": a.name, "on_timeline": False}) for a in an.assessments
    ]
    completed = an.stakeholder_interviews and an.stakeholder_interviews.completed
    rows.append((completed, t("Stakeholder interviews completed"), {"on_timeline": False}))
    rows.append((an.plan and an.plan.finalized, t("Development plan finalized"), {}))
    return rows


def _action(e: Engagement, t: Translator) -> list[tuple]:
    ac = e.stages.action
    rows: list[tuple] = [(x.date, t("Coaching session"), {"milestone": False}) for x in ac.sessions]
    rows += [(i.done_on, t("Action done"), {"milestone": False}) for i in ac.items]
    sessions = sorted(x.date for x in ac.sessions)
    if sessions:
        rows.append((sessions[0], t("First coaching session"), {}))
    if len(sessions) > 1:
        label = t("Last coaching session") if _stage_index(e.stage) > 2 else t("Latest coaching session")
        rows.append((sessions[-1], label, {}))
    return rows


def _achievement(e: Engagement, t: Translator) -> list[tuple]:
    ac = e.stages.achievement
    rows: list[tuple] = []
    for survey in sorted(ac.surveys, key=lambda x: (x.round, x.sent)):
        n = survey.round
        rows.append((survey.sent, t("Survey round {round} sent", round=n), {}))
        rows.append((survey.closed, t("Survey round {round} closed", round=n), {"milestone": False}))
        rows.append((survey.discussed, t("Survey round {round} discussed", round=n), {"on_timeline": False}))
    rows += [(c.date, t("Course correction"), {"on_timeline": False}) for c in ac.course_corrections]
    rows.append((ac.expectations_met and ac.expectations_met.date, t("Expectations met"), {}))
    if ac.phase_down:
        rows.append((ac.phase_down.start, t("Phase-down begins"), {"on_timeline": False}))
        rows.append((ac.phase_down.end, t("Phase-down ends"), {"on_timeline": False}))
    rows.append((ac.follow_up and ac.follow_up.date, t("Follow-up"), {"on_timeline": False}))
    rows.append((ac.final_report and ac.final_report.date, t("Final report"), {}))
    return rows


_BY_STAGE = {"awareness": _awareness, "analysis": _analysis, "action": _action, "achievement": _achievement}


def events(e: Engagement, today: dt.date, t: Translator | None = None) -> list[Event]:
    """Every dated event of the engagement that survived redaction, by date."""
    t = t or english()
    out = [
        Event(date, label, stage, upcoming=date > today, **extra)
        for stage, rows in _BY_STAGE.items()
        for date, label, extra in rows(e, t)
        if isinstance(date, dt.date)
    ]
    return sorted(out, key=lambda m: (m.date, STAGES.index(m.stage)))


def milestones(e: Engagement, today: dt.date, t: Translator | None = None) -> list[Event]:
    return [m for m in events(e, today, t) if m.milestone]


# --- the stage timeline ------------------------------------------------------


@dataclass(frozen=True)
class StageView:
    key: str
    label: str
    blurb: str
    status: str  # "done" | "current" | "upcoming"
    planned: Period | None
    actual_start: dt.date | None
    actual_end: dt.date | None
    milestones: tuple[Event, ...]
    t: Translator = field(default_factory=english, repr=False, compare=False)

    @property
    def status_label(self) -> str:
        t = self.t
        if self.status == "upcoming" and self.actual_start is not None:
            return t.pgettext("stage status", "Started early")  # e.g. a first mini-survey in the action stage
        if self.status == "done":
            return t.pgettext("stage status", "Done")
        if self.status == "current":
            return t.pgettext("stage status", "Current")
        return t.pgettext("stage status", "Upcoming")

    @property
    def ongoing(self) -> bool:
        return self.status == "current"


@dataclass(frozen=True)
class Tick:
    date: dt.date
    pct: float
    narrow: str | None = None  # its label on a phone's axis (None: none there)
    wide: str | None = None  # its label on a wider axis

    @property
    def anchor(self) -> str:
        """Where the label hangs from the tick, so that it stays on the axis."""
        return axis.anchor(self.pct)

    @property
    def dx(self) -> float:
        """A label at either end stands off the axis's edge (a glyph such as "j" reaches past its origin)."""
        return {"start": axis.END_INSET_PX, "end": -axis.END_INSET_PX}.get(self.anchor, 0)


@dataclass(frozen=True)
class Bar:
    """A bar on a stage's track, in percent of the axis."""

    x: float
    width: float


@dataclass(frozen=True)
class Timeline:
    start: dt.date
    end: dt.date
    stages: tuple[StageView, ...]
    current: str  # a stage key or "closed"
    today: dt.date
    ticks: tuple[Tick, ...]

    @property
    def days(self) -> int:
        return max((self.end - self.start).days, 1)

    def pct(self, date: dt.date) -> float:
        """Position of ``date`` on the axis, 0..100."""
        value = (date - self.start).days / self.days * 100
        return round(min(max(value, 0.0), 100.0), 2)

    def span(self, start: dt.date, end: dt.date) -> Bar:
        """The bar from ``start`` to ``end`` (inclusive)."""
        left = self.pct(start)
        right = self.pct(end + dt.timedelta(days=1))
        return Bar(left, round(max(right - left, 0.6), 2))

    @property
    def today_pct(self) -> float | None:
        if self.start <= self.today <= self.end:
            return self.pct(self.today)
        return None

    @property
    def today_anchor(self) -> str:
        """Where the "as of" label hangs from the today line, so that it stays on the axis."""
        pct = self.today_pct
        if pct is None or 15 <= pct <= 85:
            return "middle"
        return "end" if pct > 85 else "start"


def _ticks(start: dt.date, end: dt.date, timeline_pct, t: Translator | None = None) -> tuple[Tick, ...]:
    """A tick on the first of every month (every 2nd, 3rd... on long engagements), each
    labelled where its label has room (:mod:`axis`)."""
    t = t or english()
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    step = 1 if months <= 13 else 2 if months <= 26 else 3 if months <= 40 else 6 if months <= 80 else 12
    dates: list[dt.date] = []
    year, month = start.year, start.month
    if start.day != 1:  # first tick on the first of the next month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    index = 0
    while dt.date(year, month, 1) <= end:
        if index % step == 0:
            dates.append(dt.date(year, month, 1))
        index += 1
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    pcts = [timeline_pct(d) for d in dates]
    narrow = axis.fit(dates, pcts, t.month, axis.NARROW_TRACK_PX)
    wide = axis.fit(dates, pcts, t.month, axis.WIDE_TRACK_PX)
    return tuple(Tick(d, p, n, w) for d, p, n, w in zip(dates, pcts, narrow, wide, strict=True))


def _stage_view(
    e: Engagement, key: str, status: str, all_events: list[Event], today: dt.date, t: Translator
) -> StageView:
    activity = sorted(ev.date for ev in all_events if ev.stage == key and ev.date <= today)
    actual_start = activity[0] if activity else None
    actual_end = activity[-1] if activity else None
    if status == "current" and actual_start is not None:
        actual_end = max(actual_end or today, today)
    return StageView(
        key=key,
        label=t.label(STAGE_LABELS, key),
        blurb=t.label(STAGE_BLURBS, key),
        status=status,
        planned=getattr(e.stages, key).planned,
        actual_start=actual_start,
        actual_end=actual_end,
        milestones=tuple(m for m in all_events if m.stage == key and m.milestone and m.on_timeline),
        t=t,
    )


def timeline(e: Engagement, today: dt.date, t: Translator | None = None) -> Timeline:
    """The four stages, planned vs actual, with milestones and today's position."""
    t = t or english()
    current_index = _stage_index(e.stage)
    all_events = events(e, today, t)
    bounds = [e.start, e.end, *(m.date for m in all_events if m.milestone)]
    for key in STAGES:
        period = getattr(e.stages, key).planned
        if period:
            bounds += [period.start, period.end]
    if e.stage != "closed":
        bounds.append(today)
    start, end = min(bounds).replace(day=1), max(bounds)  # the axis opens on a month boundary
    stages = []
    for index, key in enumerate(STAGES):
        status = "done" if index < current_index else "current" if index == current_index else "upcoming"
        stages.append(_stage_view(e, key, status, all_events, today, t))
    axis = Timeline(start, end, tuple(stages), e.stage, today, ())
    return Timeline(start, end, tuple(stages), e.stage, today, _ticks(start, end, axis.pct, t))


# --- key dates and status ----------------------------------------------------


@dataclass(frozen=True)
class KeyDate:
    date: dt.date
    label: str
    stage: str | None
    detail: str | None = None
    upcoming: bool = False


def key_dates(e: Engagement, today: dt.date, t: Translator | None = None) -> list[KeyDate]:
    """Start, planned end and every milestone, by date."""
    t = t or english()
    out = [KeyDate(e.start, t("Engagement start"), None, upcoming=e.start > today)]
    out += [KeyDate(m.date, m.label, m.stage, m.detail, m.upcoming) for m in milestones(e, today, t)]
    calls = e.stages.analysis.calls
    if calls and calls.first and not e.stages.action.sessions:
        label = t("First coaching call (scheduled)")
        out.append(KeyDate(calls.first, label, "action", upcoming=calls.first > today))
    end_label = t("Engagement end") if e.stage == "closed" else t("Planned end")
    out.append(KeyDate(e.end, end_label, None, upcoming=e.end > today))

    def order(k: KeyDate) -> tuple:
        rank = 99 if k.label == end_label else -1 if k.stage is None else STAGES.index(k.stage)
        return (k.date, rank)

    return sorted(out, key=order)


@dataclass(frozen=True)
class Status:
    stage: str
    stage_label: str
    closed: bool
    schedule: str  # "on-schedule" | "behind" | "ahead" | "closed" | "unknown"
    schedule_text: str
    overdue: int
    next_date: KeyDate | None


def _schedule(planned: Period | None, key: str, today: dt.date, t: Translator) -> tuple[str, str]:
    stage = t.label(STAGE_NAMES, key)  # as it reads inside a sentence
    if planned is None:
        return "unknown", t("No planned dates for the {stage} stage.", stage=stage)
    if today > planned.end:
        return "behind", t(
            "Past the planned end of the {stage} stage ({date}).", stage=stage, date=fmt_date(planned.end, t)
        )
    if today < planned.start:
        return "ahead", t(
            "Ahead of plan: the {stage} stage was planned to start {date}.",
            stage=stage,
            date=fmt_date(planned.start, t),
        )
    return "on-schedule", t(
        "On schedule: the {stage} stage is planned until {date}.", stage=stage, date=fmt_date(planned.end, t)
    )


def status(e: Engagement, today: dt.date, t: Translator | None = None) -> Status:
    t = t or english()
    overdue_count = len(overdue(e, today))
    upcoming = [k for k in key_dates(e, today, t) if k.date > today]
    next_date = upcoming[0] if upcoming else None
    if e.stage == "closed":
        closed = t.label(STAGE_LABELS, "closed")
        return Status("closed", closed, True, "closed", t("The engagement is complete."), overdue_count, None)
    label = t.label(STAGE_LABELS, e.stage)
    schedule, text = _schedule(getattr(e.stages, e.stage).planned, e.stage, today, t)
    return Status(e.stage, label, False, schedule, text, overdue_count, next_date)
