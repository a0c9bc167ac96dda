"""Everything the pages of one (already redacted) engagement show, computed once.

The subjects live in their own modules (:mod:`timeline`, :mod:`actions`,
:mod:`survey_view`, :mod:`formatting`); this gathers their values for the templates.
Nothing here renders markup or imports MkDocs, and every function copes with missing
data, because the engagement may have had whole blocks removed for the audience.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from ..core.i18n import Translator, english
from ..core.models import CONFIDENTIAL_NOTES, VIEW_DESCRIPTIONS, VISIBILITY_LABELS, Engagement
from . import actions, survey_view, timeline
from .calendar_export import calendar
from .changes import News
from .formatting import fmt_date, page_of_pages, time_left


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


def overview(e: Engagement, today: dt.date, t: Translator | None = None) -> Overview:
    t = t or english()
    closed = e.stage == "closed"
    return Overview(
        timeline=timeline.timeline(e, today, t),
        status=timeline.status(e, today, t),
        key_dates=timeline.key_dates(e, today, t),
        goals=actions.goal_progress(e, today, t),
        completion=actions.completion(e, t),
        sessions=actions.session_log(e, today, t),
        time_left=t("completed") if closed else time_left(today, e.end, t),
    )


def page_context(
    e: Engagement, audience: str, today: dt.date, t: Translator | None = None, news: News | None = None
) -> dict[str, Any]:
    """The values every template of the engagement may lay out, in ``t``'s language.

    ``news``: the last update and what it changed for this audience (:mod:`changes`).
    """
    t = t or english()
    overdue = actions.overdue(e, today)
    sessions = actions.session_log(e, today, t)
    rounds = survey_view.survey_rounds(e, today, t)
    return {
        "e": e,
        "s": e.stages,
        "audience": audience,
        "view_label": t.label(VISIBILITY_LABELS, audience),
        "view_title": t.label(VIEW_DESCRIPTIONS, audience),
        "confidential_note": t.label(CONFIDENTIAL_NOTES, audience),
        # the printed page's footer (print.js shows it in an @page margin box)
        "print_footer": t(
            "{client} · {title} · built {date}", client=e.client.name, title=e.title, date=fmt_date(today, t)
        ),
        "print_pages": json.dumps(page_of_pages(t), ensure_ascii=False),
        "today": today,
        "overview": overview(e, today, t),
        "goals": actions.goals(e),
        "competency_by_id": actions.competencies(e),
        "progress": actions.goal_progress(e, today, t),
        "overdue": overdue,
        "overdue_text": t.n("{n} overdue action", "{n} overdue actions", len(overdue)),
        "completion": actions.completion(e, t),
        "sessions": sessions,
        "rounds": rounds,
        "latest_figures": survey_view.latest_figures(rounds, t),
        "news": news or News(t=t),
        "calendar": calendar(e, today, t),
    }
