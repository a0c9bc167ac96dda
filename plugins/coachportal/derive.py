"""Everything the pages of one (already redacted) engagement show, computed once.

The subjects live in their own modules (:mod:`timeline`, :mod:`actions`,
:mod:`survey_view`, :mod:`formatting`); this gathers their values for the templates.
Nothing here renders markup or imports MkDocs, and every function copes with missing
data, because the engagement may have had whole blocks removed for the audience.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from . import actions, survey_view, timeline
from .calendar_export import calendar
from .changes import News
from .formatting import plural, time_left
from .models import VISIBILITY_LABELS, Engagement


@dataclass(frozen=True)
class Overview:
    """Everything the overview page needs, in one value."""

    timeline: timeline.Timeline
    status: timeline.Status
    key_dates: list[timeline.KeyDate]
    goals: list[actions.GoalProgress]
    completion: actions.Tally
    sessions: actions.SessionLog
    time_left: str  # "12 weeks to go", "completed"


def overview(e: Engagement, today: dt.date) -> Overview:
    closed = e.stage == "closed"
    return Overview(
        timeline=timeline.timeline(e, today),
        status=timeline.status(e, today),
        key_dates=timeline.key_dates(e, today),
        goals=actions.goal_progress(e, today),
        completion=actions.completion(e),
        sessions=actions.session_log(e, today),
        time_left="completed" if closed else time_left(today, e.end),
    )


def page_context(e: Engagement, audience: str, today: dt.date, news: News | None = None) -> dict[str, Any]:
    """The values every template of the engagement may lay out.

    ``news``: the last update and what it changed for this audience (:mod:`changes`).
    """
    overdue = actions.overdue(e, today)
    sessions = actions.session_log(e, today)
    rounds = survey_view.survey_rounds(e, today)
    return {
        "e": e,
        "s": e.stages,
        "audience": audience,
        "view_label": VISIBILITY_LABELS[audience],
        "today": today,
        "overview": overview(e, today),
        "goals": actions.goals(e),
        "competency_by_id": actions.competencies(e),
        "progress": actions.goal_progress(e, today),
        "overdue": overdue,
        "overdue_text": plural(len(overdue), "overdue action", "overdue actions"),
        "completion": actions.completion(e),
        "sessions": sessions,
        "rounds": rounds,
        "latest_figures": survey_view.latest_figures(rounds),
        "news": news or News(),
        "calendar": calendar(e, today),
    }
