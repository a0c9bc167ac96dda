"""View data computed from an (already redacted) engagement, for the templates.

Nothing here renders text or imports MkDocs: these are plain values that the
Jinja2 templates lay out. Every function copes with missing data, because the
engagement it receives may have had whole blocks removed for the audience.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .models import STAGES, ActionItem, Competency, Engagement, Goal, Period, Session, Survey, SurveyComment
from .surveys import SurveyAggregate, rounds_by_goal

STAGE_LABELS: dict[str, str] = {
    "awareness": "Awareness",
    "analysis": "Analysis",
    "action": "Action",
    "achievement": "Achievement",
    "closed": "Closed",
}
STAGE_BLURBS: dict[str, str] = {
    "awareness": "Kickoff with the client team, goals and commitment",
    "analysis": "Assessments, stakeholder interviews and the development plan",
    "action": "New behaviours and skills, regular coaching sessions",
    "achievement": "Stakeholder surveys, course corrections and the final report",
    "closed": "The engagement is complete",
}
ACTION_KINDS: dict[str, str] = {
    "new-behavior": "New behavior",
    "new-skill": "New skill",
    "relationship": "Key relationship",
    "role-model": "Role-model talk",
    "stakeholder-input": "Stakeholder input",
    "training": "Training",
    "other": "Other",
}
ACTION_STATUSES: dict[str, str] = {
    "todo": "To do",
    "doing": "In progress",
    "done": "Done",
    "dropped": "Dropped",
}
SESSION_MODES: dict[str, str] = {"video": "Video", "phone": "Phone", "in-person": "In person"}
PEOPLE: dict[str, str] = {
    "client": "Client",
    "coach": "Coach",
    "manager": "Manager",
    "senior-executive": "Senior executive",
    "hr": "HR",
    "peer": "Peer",
    "mentor": "Mentor",
    "other": "Other",
}
AUDIENCE_LABELS: dict[str, str] = {"sponsor": "Sponsor view", "client": "Client view", "coach": "Coach view"}

OPEN_STATUSES = frozenset({"todo", "doing"})


def audience_label(audience: str) -> str:
    return AUDIENCE_LABELS.get(audience, "Sponsor view")


# --- timeline ----------------------------------------------------------------


@dataclass(frozen=True)
class Milestone:
    """A dated event of the engagement, with a generic label (never YAML text)."""

    date: dt.date
    label: str
    stage: str
    detail: str | None = None  # YAML text (e.g. an assessment name); templates escape it
    on_timeline: bool = True  # also drawn as a marker on the stage timeline
    upcoming: bool = False  # dated after `today`


@dataclass(frozen=True)
class StageView:
    key: str
    label: str
    blurb: str
    status: str  # "done" | "current" | "upcoming"
    planned: Period | None
    actual_start: dt.date | None
    actual_end: dt.date | None
    milestones: tuple[Milestone, ...]

    @property
    def status_label(self) -> str:
        if self.status == "upcoming" and self.actual_start is not None:
            return "Started early"  # e.g. a first mini-survey during the action stage
        return {"done": "Done", "current": "Current", "upcoming": "Upcoming"}[self.status]

    @property
    def ongoing(self) -> bool:
        return self.status == "current"


@dataclass(frozen=True)
class Tick:
    date: dt.date
    label: str
    pct: float


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

    def span(self, start: dt.date, end: dt.date) -> tuple[float, float]:
        """(left, width) in percent of a bar from ``start`` to ``end`` (inclusive)."""
        left = self.pct(start)
        right = self.pct(end + dt.timedelta(days=1))
        return left, round(max(right - left, 0.6), 2)

    @property
    def today_pct(self) -> float | None:
        if self.start <= self.today <= self.end:
            return self.pct(self.today)
        return None


def milestones(e: Engagement, today: dt.date) -> list[Milestone]:
    """Every dated event of the engagement that survived redaction, by date."""
    s = e.stages
    out: list[Milestone] = []

    def add(
        date: dt.date | None, label: str, stage: str, detail: str | None = None, on_timeline: bool = True
    ):
        if date is not None:
            out.append(Milestone(date, label, stage, detail, on_timeline, date > today))

    aw = s.awareness
    if aw.kickoff:
        add(aw.kickoff.date, "Kickoff", "awareness")
    if aw.one_on_one:
        add(aw.one_on_one.date, "One-on-one", "awareness", on_timeline=False)
    if aw.interview:
        add(aw.interview.date, "In-depth interview", "awareness", on_timeline=False)

    an = s.analysis
    for assessment in an.assessments:
        add(assessment.date, "Assessment", "analysis", assessment.name, on_timeline=False)
    if an.stakeholder_interviews:
        add(
            an.stakeholder_interviews.completed,
            "Stakeholder interviews completed",
            "analysis",
            on_timeline=False,
        )
    if an.plan:
        add(an.plan.finalized, "Development plan finalized", "analysis")

    sessions = sorted(s.action.sessions, key=lambda x: x.date)
    if sessions:
        add(sessions[0].date, "First coaching session", "action")
        if len(sessions) > 1:
            label = "Last coaching session" if _stage_index(e.stage) > 2 else "Latest coaching session"
            add(sessions[-1].date, label, "action")

    ac = s.achievement
    for survey in sorted(ac.surveys, key=lambda x: (x.round, x.sent)):
        add(survey.sent, f"Survey round {survey.round} sent", "achievement")
        add(survey.discussed, f"Survey round {survey.round} discussed", "achievement", on_timeline=False)
    for correction in ac.course_corrections:
        add(correction.date, "Course correction", "achievement", on_timeline=False)
    if ac.expectations_met:
        add(ac.expectations_met.date, "Expectations met", "achievement")
    if ac.phase_down:
        add(ac.phase_down.start, "Phase-down begins", "achievement", on_timeline=False)
        add(ac.phase_down.end, "Phase-down ends", "achievement", on_timeline=False)
    if ac.follow_up:
        add(ac.follow_up.date, "Follow-up", "achievement", on_timeline=False)
    if ac.final_report:
        add(ac.final_report.date, "Final report", "achievement")
    return sorted(out, key=lambda m: (m.date, STAGES.index(m.stage)))


def _stage_index(stage: str) -> int:
    return len(STAGES) if stage == "closed" else STAGES.index(stage)


def _activity_dates(e: Engagement, stage: str) -> list[dt.date]:
    """Dates that show work actually happening in a stage (for the 'actual' bar)."""
    s = e.stages
    dates: list[dt.date | None] = []
    if stage == "awareness":
        aw = s.awareness
        dates += [aw.kickoff and aw.kickoff.date, aw.one_on_one and aw.one_on_one.date]
        dates += [aw.interview and aw.interview.date]
    elif stage == "analysis":
        an = s.analysis
        dates += [a.date for a in an.assessments]
        dates += [an.stakeholder_interviews and an.stakeholder_interviews.completed]
        dates += [an.plan and an.plan.finalized]
    elif stage == "action":
        dates += [x.date for x in s.action.sessions]
        dates += [i.done_on for i in s.action.items]
    elif stage == "achievement":
        ac = s.achievement
        for survey in ac.surveys:
            dates += [survey.sent, survey.closed, survey.discussed]
        dates += [c.date for c in ac.course_corrections]
        dates += [ac.expectations_met and ac.expectations_met.date]
        dates += [ac.phase_down and ac.phase_down.start, ac.phase_down and ac.phase_down.end]
        dates += [ac.follow_up and ac.follow_up.date, ac.final_report and ac.final_report.date]
    return sorted(d for d in dates if isinstance(d, dt.date))


def _ticks(start: dt.date, end: dt.date, timeline_pct) -> tuple[Tick, ...]:
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    step = 1 if months <= 13 else 2 if months <= 26 else 3 if months <= 40 else 6 if months <= 80 else 12
    ticks: list[Tick] = []
    year, month = start.year, start.month
    if start.day != 1:  # first tick on the first of the next month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    index = 0
    previous_year = None
    while dt.date(year, month, 1) <= end:
        date = dt.date(year, month, 1)
        if index % step == 0:
            label = date.strftime("%b")
            if previous_year != year:
                label += f" {year}"
                previous_year = year
            ticks.append(Tick(date, label, timeline_pct(date)))
        index += 1
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(ticks)


def timeline(e: Engagement, today: dt.date) -> Timeline:
    """The four stages, planned vs actual, with milestones and today's position."""
    current = e.stage
    current_index = _stage_index(current)
    events = milestones(e, today)
    plans = {key: getattr(e.stages, key).planned for key in STAGES}

    bounds = [e.start, e.end]
    for period in plans.values():
        if period:
            bounds += [period.start, period.end]
    bounds += [m.date for m in events]
    if current != "closed":
        bounds.append(today)
    start, end = min(bounds), max(bounds)
    start = start.replace(day=1)  # the axis opens on a month boundary, so its first month is labelled

    stages: list[StageView] = []
    for index, key in enumerate(STAGES):
        status = "done" if index < current_index else "current" if index == current_index else "upcoming"
        activity = [d for d in _activity_dates(e, key) if d <= today]
        actual_start = activity[0] if activity else None
        actual_end = activity[-1] if activity else None
        if status == "current" and actual_start is not None and actual_start <= today:
            actual_end = max(actual_end or today, today)
        stages.append(
            StageView(
                key=key,
                label=STAGE_LABELS[key],
                blurb=STAGE_BLURBS[key],
                status=status,
                planned=plans[key],
                actual_start=actual_start,
                actual_end=actual_end,
                milestones=tuple(m for m in events if m.stage == key and m.on_timeline),
            )
        )

    axis = Timeline(start, end, tuple(stages), current, today, ())
    return Timeline(start, end, tuple(stages), current, today, _ticks(start, end, axis.pct))


# --- key dates and status ----------------------------------------------------


@dataclass(frozen=True)
class KeyDate:
    date: dt.date
    label: str
    stage: str | None
    detail: str | None = None
    upcoming: bool = False


def key_dates(e: Engagement, today: dt.date) -> list[KeyDate]:
    """Start, planned end and every milestone, by date."""
    out = [KeyDate(e.start, "Engagement start", None, upcoming=e.start > today)]
    out += [KeyDate(m.date, m.label, m.stage, m.detail, m.upcoming) for m in milestones(e, today)]
    calls = e.stages.analysis.calls
    if calls and calls.first and not e.stages.action.sessions:
        out.append(
            KeyDate(calls.first, "First coaching call (scheduled)", "action", upcoming=calls.first > today)
        )
    end_label = "Engagement end" if e.stage == "closed" else "Planned end"
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


def status(e: Engagement, today: dt.date) -> Status:
    overdue_count = len(overdue(e, today))
    upcoming = [k for k in key_dates(e, today) if k.date > today]
    next_date = upcoming[0] if upcoming else None
    if e.stage == "closed":
        return Status("closed", "Closed", True, "closed", "The engagement is complete.", overdue_count, None)
    planned = getattr(e.stages, e.stage).planned
    label = STAGE_LABELS[e.stage]
    if planned is None:
        schedule, text = "unknown", f"No planned dates for the {label.lower()} stage."
    elif today > planned.end:
        schedule = "behind"
        text = f"Past the planned end of the {label.lower()} stage ({fmt_date(planned.end)})."
    elif today < planned.start:
        schedule, text = (
            "ahead",
            f"Ahead of plan: the {label.lower()} stage was planned to start {fmt_date(planned.start)}.",
        )
    else:
        schedule, text = (
            "on-schedule",
            f"On schedule: the {label.lower()} stage is planned until {fmt_date(planned.end)}.",
        )
    return Status(e.stage, label, False, schedule, text, overdue_count, next_date)


# --- goals and actions -------------------------------------------------------


def is_overdue(item: ActionItem, today: dt.date) -> bool:
    return item.due is not None and item.due < today and item.status in OPEN_STATUSES


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


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal | None  # None: actions whose goal is not in this view's plan
    competency: Competency | None
    rows: tuple[ActionRow, ...]
    done: int
    total: int  # every action except the dropped ones
    dropped: int
    overdue: int

    @property
    def percent(self) -> int:
        return round(self.done / self.total * 100) if self.total else 0

    @property
    def summary(self) -> str:
        if not self.total:
            return "No actions yet" if not self.dropped else "All actions dropped"
        return f"{self.done} of {self.total} done"


def _rows(items: Iterable[ActionItem], today: dt.date) -> tuple[ActionRow, ...]:
    def order(i: ActionItem):
        return (i.status == "dropped", i.due or dt.date.max, i.id)

    return tuple(
        ActionRow(
            i, is_overdue(i, today), ACTION_KINDS.get(i.kind, i.kind), ACTION_STATUSES.get(i.status, i.status)
        )
        for i in sorted(items, key=order)
    )


def _progress(goal: Goal | None, competency: Competency | None, items: list[ActionItem], today: dt.date):
    return GoalProgress(
        goal=goal,
        competency=competency,
        rows=_rows(items, today),
        done=sum(1 for i in items if i.status == "done"),
        total=sum(1 for i in items if i.status != "dropped"),
        dropped=sum(1 for i in items if i.status == "dropped"),
        overdue=sum(1 for i in items if is_overdue(i, today)),
    )


def goals(e: Engagement) -> list[Goal]:
    plan = e.stages.analysis.plan
    return list(plan.goals) if plan else []


def competencies(e: Engagement) -> dict[str, Competency]:
    return {c.id: c for c in e.stages.analysis.competencies}


def goal_progress(e: Engagement, today: dt.date) -> list[GoalProgress]:
    """Per goal: its actions, done / total (dropped excluded), overdue count.

    Actions that point at a goal this view does not have come last, under ``goal=None``.
    """
    comps = competencies(e)
    plan_goals = goals(e)
    known = {g.id for g in plan_goals}
    items = e.stages.action.items
    out = [
        _progress(g, comps.get(g.competency), [i for i in items if i.goal == g.id], today) for g in plan_goals
    ]
    orphans = [i for i in items if i.goal not in known]
    if orphans:
        out.append(_progress(None, None, orphans, today))
    return out


@dataclass(frozen=True)
class Completion:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(self.done / self.total * 100) if self.total else 0


def completion(e: Engagement) -> Completion:
    items = e.stages.action.items
    return Completion(
        sum(1 for i in items if i.status == "done"), sum(1 for i in items if i.status != "dropped")
    )


# --- sessions ----------------------------------------------------------------


@dataclass(frozen=True)
class SessionLog:
    sessions: tuple[Session, ...]
    minutes: int
    has_details: bool  # any topics, successes, problems or notes in this view

    @property
    def count(self) -> int:
        return len(self.sessions)

    @property
    def duration(self) -> str:
        return fmt_minutes(self.minutes)


def session_log(e: Engagement) -> SessionLog:
    sessions = tuple(sorted(e.stages.action.sessions, key=lambda s: s.date))
    details = any(s.topics or s.successes or s.problems or s.notes for s in sessions)
    return SessionLog(sessions, sum(s.minutes for s in sessions), details)


# --- surveys -----------------------------------------------------------------


@dataclass(frozen=True)
class SurveyRow:
    goal_id: str
    goal: Goal | None
    aggregate: SurveyAggregate
    change: float | None  # mean change vs the previous round with figures for this goal
    previous_round: int | None
    comments: tuple[SurveyComment, ...]
    ratings: tuple[tuple[str, tuple[int, ...]], ...] = ()  # (group, ratings); coach view only

    @property
    def enough(self) -> bool:
        return self.aggregate.total is not None


@dataclass(frozen=True)
class SurveyRound:
    survey: Survey
    rows: tuple[SurveyRow, ...]

    @property
    def has_comments(self) -> bool:
        return any(r.comments for r in self.rows)


def survey_rounds(e: Engagement) -> list[SurveyRound]:
    """Each round's per-goal aggregates, with the change since the goal's previous round.

    The change is :func:`surveys.rounds_by_goal`'s (the one place that compares rounds);
    this lays its figures out by round, goals in plan order.
    """
    plan_goals = goals(e)
    by_goal = {g.id: g for g in plan_goals}
    order = {g.id: i for i, g in enumerate(plan_goals)}
    surveys = sorted(e.stages.achievement.surveys, key=lambda s: (s.round, s.sent))
    # per goal, its rounds in the order this loop meets them (round order, then file order)
    figures = {goal: iter(rows) for goal, rows in rounds_by_goal(surveys).items()}
    rounds: list[SurveyRound] = []
    for survey in surveys:
        rows: list[SurveyRow] = []
        for result in sorted(survey.results, key=lambda r: (order.get(r.goal, len(order)), r.goal)):
            these = next(figures[result.goal])
            rows.append(
                SurveyRow(
                    goal_id=result.goal,
                    goal=by_goal.get(result.goal),
                    aggregate=these.aggregate,
                    change=these.change,
                    previous_round=these.previous_round,
                    comments=tuple(result.comments),
                    ratings=tuple((group, tuple(values)) for group, values in result.groups.items()),
                )
            )
        rounds.append(SurveyRound(survey, tuple(rows)))
    return rounds


# --- formatting helpers (plain text, no markup) ----------------------------------


def fmt_date(value: dt.date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else ""


def fmt_range(start: dt.date | None, end: dt.date | None) -> str:
    if start and end:
        if start == end:
            return fmt_date(start)
        if start.year == end.year:
            if start.month == end.month:
                return f"{start.day} – {fmt_date(end)}"
            return f"{start.day} {start:%b} – {fmt_date(end)}"
        return f"{fmt_date(start)} – {fmt_date(end)}"
    if start:
        return f"from {fmt_date(start)}"
    if end:
        return f"until {fmt_date(end)}"
    return ""


def fmt_minutes(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def fmt_signed(value: float | None) -> str:
    """A mean or a change on the -3..+3 scale: +1.4, −0.5, 0.0 (true minus sign)."""
    if value is None:
        return ""
    if round(value, 1) == 0:
        return "0.0"
    return f"{value:+.1f}".replace("-", "\u2212")


def fmt_share(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)}%"


@dataclass(frozen=True)
class Overview:
    """Everything the overview page needs, in one value."""

    timeline: Timeline
    status: Status
    key_dates: list[KeyDate]
    goals: list[GoalProgress]
    completion: Completion
    sessions: SessionLog


def overview(e: Engagement, today: dt.date) -> Overview:
    return Overview(
        timeline=timeline(e, today),
        status=status(e, today),
        key_dates=key_dates(e, today),
        goals=goal_progress(e, today),
        completion=completion(e),
        sessions=session_log(e),
    )
