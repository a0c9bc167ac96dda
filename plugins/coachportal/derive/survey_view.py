"""Survey rounds laid out for the progress page, and the geometry of their charts.

Figures appear only for rounds whose ``closed`` date has passed: while a round is
collecting, a page rebuilt after each new response would let anyone comparing two
builds work out single ratings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..core.i18n import N_, Translator, english
from ..core.models import Engagement, Goal, Survey, SurveyComment
from ..core.surveys import OTHERS, TOTAL_LABEL, Figures, SurveyAggregate, rounds_by_goal
from .actions import goals
from .formatting import fmt_rating, fmt_share, fmt_signed

# Rater groups are named by the coach; the common names and the portal's own two
# ("others", "all raters") read in the portal's language.
GROUP_LABELS: dict[str, str] = {
    "manager": N_("Manager"),
    "direct-reports": N_("Direct reports"),
    "peers": N_("Peers"),
    OTHERS: N_("Others"),
    TOTAL_LABEL: N_("All raters"),
}


def group_label(value: object, t: Translator | None = None) -> str:
    """A rater group as a label, plain text: "direct-reports" -> "Direct reports"."""
    key = str(value or "")
    if key in GROUP_LABELS:
        return (t or english()).label(GROUP_LABELS, key)
    return key.replace("-", " ").replace("_", " ").capitalize()


def truncate(value: object, length: int = 22) -> str:
    s = " ".join(str(value or "").split())
    return s if len(s) <= length else s[: length - 1].rstrip() + "\u2026"


# --- chart geometry (SVG user units) -------------------------------------------

ROW_HEIGHT = 26
TOP = 8
LABEL_RIGHT = 200  # labels end here, bars start at the scale's −3
UNIT = 60  # one scale point
# 13-unit text (the chart's CSS) averages under 7.5 units a character, bold included:
# a label's characters up to the gap before the axis (German group names are long).
UNITS_PER_CHAR = 7.5
LABEL_CHARS = int((LABEL_RIGHT - 12 - 4) / UNITS_PER_CHAR)
ZERO = LABEL_RIGHT + 3 * UNIT
WIDTH = 640


@dataclass(frozen=True)
class ChartTick:
    x: int
    label: str
    zero: bool


@dataclass(frozen=True)
class ChartBar:
    label: str  # "Peers (n=4)", truncated to fit
    full_label: str
    n: int
    y: int  # top of the row
    bar_x: float
    bar_width: float
    value: str
    value_x: float
    negative: bool
    total: bool

    @property
    def text_y(self) -> int:
        return self.y + 17

    @property
    def bar_y(self) -> int:
        return self.y + 5

    @property
    def bar_height(self) -> int:
        return ROW_HEIGHT - 10


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    grid_top: int
    grid_bottom: int
    ticks: tuple[ChartTick, ...]
    bars: tuple[ChartBar, ...]
    left_axis_x: int = ZERO - 3 * UNIT
    right_axis_x: int = ZERO + 3 * UNIT

    @property
    def tick_y(self) -> int:
        return self.grid_bottom + 16

    @property
    def axis_y(self) -> int:
        return self.grid_bottom + 29

    @property
    def description(self) -> str:
        """The chart as text (its accessible name): "Manager (n=1) +2.0; Peers (n=4) +1.5"."""
        return "; ".join(f"{b.full_label} (n={b.n}) {b.value}" for b in self.bars)


def _bar(figures: Figures, index: int, total: bool, t: Translator) -> ChartBar:
    width = round(abs(figures.mean) * UNIT, 1)  # from the shown (rounded) mean
    negative = figures.mean < 0
    name = group_label(figures.label, t)
    return ChartBar(
        label=f"{truncate(name, LABEL_CHARS - len(f' (n={figures.n})'))} (n={figures.n})",
        full_label=" ".join(name.split()),
        n=figures.n,
        y=TOP + index * ROW_HEIGHT,
        bar_x=ZERO - width if negative else ZERO,
        bar_width=max(width, 1.5),
        value=fmt_signed(figures.mean, t),
        value_x=(ZERO - width - 6) if negative else (ZERO + width + 6),
        negative=negative,
        total=total,
    )


def chart(aggregate: SurveyAggregate, t: Translator | None = None) -> Chart | None:
    """Mean rating per rater group and in total, as bars around zero."""
    t = t or english()
    if aggregate.total is None:
        return None
    figures = [*aggregate.groups, aggregate.total]
    bottom = TOP + len(figures) * ROW_HEIGHT
    ticks = tuple(ChartTick(ZERO + v * UNIT, fmt_rating(v), v == 0) for v in range(-3, 4))
    bars = tuple(_bar(f, i, i == len(figures) - 1, t) for i, f in enumerate(figures))
    return Chart(WIDTH, bottom + 30, TOP - 4, bottom, ticks, bars)


# --- rounds ----------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyRow:
    goal_id: str
    goal: Goal | None
    aggregate: SurveyAggregate
    change: float | None  # mean change vs the previous round with figures for this goal
    previous_round: int | None
    comments: tuple[SurveyComment, ...]
    ratings: tuple[tuple[str, tuple[int, ...]], ...] = ()  # (group, ratings); coach view only
    t: Translator = field(default_factory=english, repr=False, compare=False)

    @property
    def enough(self) -> bool:
        return self.aggregate.total is not None

    @property
    def chart(self) -> Chart | None:
        return chart(self.aggregate, self.t)

    @property
    def change_direction(self) -> str:
        if self.change is None or self.change == 0:
            return "flat"
        return "up" if self.change > 0 else "down"

    @property
    def rating_texts(self) -> tuple[tuple[str, str], ...]:
        """(group label, "+2, 0, −1") per rater group: the coach view's individual ratings."""
        return tuple(
            (group_label(group, self.t), ", ".join(fmt_rating(v) for v in values))
            for group, values in self.ratings
        )


@dataclass(frozen=True)
class SurveyRound:
    survey: Survey
    rows: tuple[SurveyRow, ...]
    collecting: bool = False  # not closed yet: no figures, no comments

    @property
    def has_comments(self) -> bool:
        return any(r.comments for r in self.rows)

    @property
    def has_ratings(self) -> bool:
        return any(r.ratings for r in self.rows)


def is_closed(survey: Survey, today: dt.date) -> bool:
    return survey.closed is not None and survey.closed < today


def _rows(
    survey: Survey, figures: dict, by_goal: dict[str, Goal], order: dict[str, int], t: Translator
) -> list[SurveyRow]:
    rows = []
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
                t=t,
            )
        )
    return rows


def survey_rounds(e: Engagement, today: dt.date, t: Translator | None = None) -> list[SurveyRound]:
    """Each round's per-goal aggregates, with the change since the goal's previous round.

    The change is :func:`surveys.rounds_by_goal`'s (the one place that compares rounds),
    over closed rounds only; this lays its figures out by round, goals in plan order.
    """
    t = t or english()
    plan_goals = goals(e)
    by_goal = {g.id: g for g in plan_goals}
    order = {g.id: i for i, g in enumerate(plan_goals)}
    surveys = sorted(e.stages.achievement.surveys, key=lambda s: (s.round, s.sent))
    closed = [s for s in surveys if is_closed(s, today)]
    # per goal, its rounds in the order this loop meets them (round order, then file order)
    figures = {goal: iter(rows) for goal, rows in rounds_by_goal(closed).items()}
    return [
        SurveyRound(s, tuple(_rows(s, figures, by_goal, order, t)))
        if is_closed(s, today)
        else SurveyRound(s, (), collecting=True)
        for s in surveys
    ]


@dataclass(frozen=True)
class LatestFigures:
    """A goal's figures from the last closed round that had enough responses for them."""

    round: int
    row: SurveyRow
    t: Translator = field(default_factory=english, repr=False, compare=False)

    @property
    def text(self) -> str:
        """ "Round 2: mean +1.6 from 7 responses, 100% saw an improvement, +0.9 since round 1"."""
        t = self.t
        total = self.row.aggregate.total
        if total is None:  # latest_figures keeps only rows with figures
            return t("Round {round}: not enough responses", round=self.round)
        mean, share = fmt_signed(total.mean, t), fmt_share(total.improved_share, t)
        text = t.n(
            "Round {round}: mean {mean} from {n} response, {share} saw an improvement",
            "Round {round}: mean {mean} from {n} responses, {share} saw an improvement",
            total.n,
            round=self.round,
            mean=mean,
            share=share,
        )
        if self.row.change is not None:
            change, previous = fmt_signed(self.row.change, t), self.row.previous_round
            text = t("{text}, {change} since round {round}", text=text, change=change, round=previous)
        return text


def latest_figures(rounds: list[SurveyRound], t: Translator | None = None) -> dict[str, LatestFigures]:
    """Per goal id, its figures in the latest closed round that showed any (final report)."""
    out: dict[str, LatestFigures] = {}
    for r in sorted(rounds, key=lambda r: r.survey.round):
        for row in r.rows:
            if row.enough:
                out[row.goal_id] = LatestFigures(r.survey.round, row, t or english())
    return out
