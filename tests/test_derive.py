"""The view data behind the engagement pages: timeline, actions, survey_view, formatting (no MkDocs)."""

from __future__ import annotations

import datetime as dt
from dataclasses import astuple
from pathlib import Path

import pytest
from coachportal.core.models import VISIBILITY_LABELS, Engagement
from coachportal.derive import actions, formatting, survey_view, timeline
from coachportal.load.loader import load_engagement

EXAMPLES = Path(__file__).resolve().parent / "fixtures" / "reference"

D = dt.date
AFTER_EVERY_ROUND = D(2030, 1, 1)  # every survey round has closed


@pytest.fixture(scope="module")
def active() -> Engagement:
    return load_engagement(EXAMPLES / "engagement.yml")


@pytest.fixture(scope="module")
def closed() -> Engagement:
    return load_engagement(EXAMPLES / "engagement-closed.yml")


def minimal(**extra) -> Engagement:
    data = {
        "id": "min",
        "title": "T",
        "stage": "awareness",
        "start": "2026-01-05",
        "end": "2026-06-30",
        "client": {"name": "C"},
        "coach": {"name": "K"},
        **extra,
    }
    return Engagement.model_validate(data)


# --- timeline -----------------------------------------------------------------


def test_timeline_stage_status_follows_current_stage(active: Engagement) -> None:
    tl = timeline.timeline(active, D(2026, 5, 20))
    assert [s.key for s in tl.stages] == ["awareness", "analysis", "action", "achievement"]
    assert [s.status for s in tl.stages] == ["done", "done", "current", "upcoming"]
    assert tl.current == "action"


def test_timeline_closed_engagement_has_every_stage_done(closed: Engagement) -> None:
    tl = timeline.timeline(closed, D(2026, 5, 20))
    assert tl.current == "closed"
    assert {s.status for s in tl.stages} == {"done"}
    # Today is long after the end of a closed engagement: no today line, axis not stretched.
    assert tl.today_pct is None
    assert tl.end == D(2025, 12, 12)


def test_timeline_planned_and_actual(active: Engagement) -> None:
    tl = timeline.timeline(active, D(2026, 5, 20))
    awareness, analysis, action, achievement = tl.stages
    assert awareness.planned.start == D(2026, 2, 2) and awareness.planned.end == D(2026, 2, 20)
    # actual = recorded activity: kickoff 4 Feb .. in-depth interview 10 Feb (unredacted file)
    assert (awareness.actual_start, awareness.actual_end) == (D(2026, 2, 4), D(2026, 2, 10))
    assert (analysis.actual_start, analysis.actual_end) == (D(2026, 2, 18), D(2026, 3, 6))
    # the current stage runs on until today
    assert (action.actual_start, action.actual_end) == (D(2026, 3, 12), D(2026, 5, 20))
    assert action.ongoing
    # nothing of the achievement stage has happened by 20 May (the survey goes out 1 Jun)
    assert achievement.actual_start is None and achievement.status_label == "Upcoming"
    # by July the first survey has gone out although the stage is still "action"
    later = timeline.timeline(active, D(2026, 7, 1)).stages[3]
    assert later.status == "upcoming" and later.status_label == "Started early"


def test_timeline_milestones(active: Engagement) -> None:
    tl = timeline.timeline(active, D(2026, 5, 20))
    labels = {s.key: [(m.label, m.date) for m in s.milestones] for s in tl.stages}
    assert labels["awareness"] == [("Kickoff", D(2026, 2, 4))]
    assert labels["analysis"] == [("Development plan finalized", D(2026, 3, 6))]
    assert labels["action"] == [
        ("First coaching session", D(2026, 3, 12)),
        ("Latest coaching session", D(2026, 4, 23)),
    ]
    assert labels["achievement"] == [("Survey round 1 sent", D(2026, 6, 1))]
    assert tl.stages[3].milestones[0].upcoming


def test_timeline_closed_milestones(closed: Engagement) -> None:
    tl = timeline.timeline(closed, D(2026, 1, 1))
    achievement = [m.label for m in tl.stages[3].milestones]
    assert achievement == ["Survey round 1 sent", "Survey round 2 sent", "Expectations met", "Final report"]
    assert [m.label for m in tl.stages[2].milestones] == ["First coaching session", "Last coaching session"]


def test_timeline_positions(active: Engagement) -> None:
    tl = timeline.timeline(active, D(2026, 5, 20))
    # The engagement starts on 2 Feb; the axis opens on 1 Feb so that February is labelled.
    assert tl.start == D(2026, 2, 1) and tl.end == D(2026, 11, 30)
    assert tl.pct(tl.start) == 0 and tl.pct(tl.end) == 100
    assert tl.pct(D(2020, 1, 1)) == 0 and tl.pct(D(2030, 1, 1)) == 100  # clamped
    assert 0 < tl.today_pct < 100
    left, width = astuple(tl.span(D(2026, 2, 2), D(2026, 2, 20)))
    assert 0 < left < 1 and width > 0
    wide = [t.wide for t in tl.ticks]  # the labels that fit beside the stage names
    assert wide[0] == "Feb 2026" and "Apr" in wide[:3]


def test_timeline_extends_to_today_when_running_late(active: Engagement) -> None:
    tl = timeline.timeline(active, D(2027, 2, 1))
    assert tl.end == D(2027, 2, 1)
    assert tl.today_pct == 100
    assert "Jan 2027" in [t.wide for t in tl.ticks]


def test_timeline_of_a_bare_engagement() -> None:
    e = minimal()
    tl = timeline.timeline(e, D(2026, 1, 10))
    assert [s.status for s in tl.stages] == ["current", "upcoming", "upcoming", "upcoming"]
    assert all(s.planned is None and s.actual_start is None and not s.milestones for s in tl.stages)
    assert timeline.key_dates(e, D(2026, 1, 10))[0].label == "Engagement start"
    assert timeline.status(e, D(2026, 1, 10)).schedule == "unknown"
    assert actions.goal_progress(e, D(2026, 1, 10)) == []
    assert survey_view.survey_rounds(e, AFTER_EVERY_ROUND) == []
    assert actions.session_log(e, D(2026, 1, 10)).count == 0


# --- status and key dates -------------------------------------------------------------


def test_status_on_schedule_and_behind(active: Engagement) -> None:
    on = timeline.status(active, D(2026, 5, 20))
    assert (on.stage, on.schedule, on.closed) == ("action", "on-schedule", False)
    assert on.next_date is not None and on.next_date.label == "Survey round 1 sent"
    late = timeline.status(active, D(2026, 10, 15))
    assert late.schedule == "behind"
    assert "30 Sep 2026" in late.schedule_text
    done = timeline.status(active.model_copy(update={"stage": "closed"}), D(2026, 5, 20))
    assert done.closed and done.next_date is None


def test_key_dates_sorted_with_start_and_end(active: Engagement) -> None:
    dates = timeline.key_dates(active, D(2026, 5, 20))
    assert [k.date for k in dates] == sorted(k.date for k in dates)
    assert dates[0].label == "Engagement start"
    assert dates[-1].label == "Planned end" and dates[-1].upcoming
    labels = [k.label for k in dates]
    for expected in (
        "Kickoff",
        "Development plan finalized",
        "First coaching session",
        "Survey round 1 sent",
    ):
        assert expected in labels
    assessment = [k for k in dates if k.label == "Assessment"]
    assert {k.detail for k in assessment} == {"Leadership 360", "Hogan Personality Inventory"}


def test_closed_key_dates_end_last_on_the_same_day(closed: Engagement) -> None:
    dates = timeline.key_dates(closed, D(2026, 5, 20))
    assert dates[-1].label == "Engagement end"
    assert not any(k.upcoming for k in dates)


# --- goals, completion, overdue ----------------------------------------------------------


def test_goal_completion_counts(active: Engagement) -> None:
    progress = {p.goal.id: p for p in actions.goal_progress(active, D(2026, 4, 1))}
    assert (progress["G1"].done, progress["G1"].total) == (2, 3)
    assert (progress["G2"].done, progress["G2"].total) == (0, 2)
    assert (progress["G3"].done, progress["G3"].total) == (0, 1)
    assert progress["G1"].summary == "2 of 3 done"
    assert progress["G1"].percent == 67
    assert progress["G1"].competency.name == "Strategic delegation"
    total = actions.completion(active)
    assert (total.done, total.total) == (2, 6)


def test_dropped_actions_are_not_counted(closed: Engagement) -> None:
    (g1,) = actions.goal_progress(closed, D(2026, 1, 1))
    assert (g1.done, g1.total, g1.dropped) == (2, 2, 1)
    assert g1.summary == "2 of 2 done"
    # dropped items come last in the checklist
    assert g1.rows[-1].item.status == "dropped"


def test_overdue_with_a_fixed_today(active: Engagement) -> None:
    assert actions.overdue(active, D(2026, 4, 1)) == []
    # 31 May passed: A2 (doing) and A5 (todo) are overdue; A1 and A4 are done.
    assert [i.id for i in actions.overdue(active, D(2026, 6, 1))] == ["A2", "A5"]
    # the due day itself is not overdue yet
    assert actions.overdue(active, D(2026, 5, 31)) == []
    assert [i.id for i in actions.overdue(active, D(2026, 12, 1))] == ["A2", "A5", "A3", "A6"]
    progress = {p.goal.id: p for p in actions.goal_progress(active, D(2026, 6, 1))}
    assert progress["G2"].overdue == 2 and progress["G1"].overdue == 0
    assert timeline.status(active, D(2026, 6, 1)).overdue == 2


def test_dropped_and_done_items_are_never_overdue(closed: Engagement) -> None:
    assert actions.overdue(closed, D(2030, 1, 1)) == []


def test_actions_of_an_unknown_goal_are_grouped_last() -> None:
    e = minimal(
        stages={
            "action": {
                "items": [
                    {
                        "id": "A1",
                        "kind": "training",
                        "goal": "GX",
                        "title": "x",
                        "status": "done",
                        "done_on": "2026-02-01",
                    }
                ]
            }
        }
    )
    (other,) = actions.goal_progress(e, D(2026, 3, 1))
    assert other.goal is None and other.summary == "1 of 1 done"


# --- sessions and surveys -------------------------------------------------------------------


def test_session_log(active: Engagement) -> None:
    log = actions.session_log(active, D(2026, 5, 1))
    assert log.count == 4 and log.minutes == 255 and log.duration == "4 h 15 min"
    assert [s.date for s in log.sessions] == sorted(s.date for s in log.sessions)
    assert log.has_details


def test_survey_rows_and_change_between_rounds(closed: Engagement) -> None:
    rounds = survey_view.survey_rounds(closed, AFTER_EVERY_ROUND)
    assert [r.survey.round for r in rounds] == [1, 2]
    (first,), (second,) = rounds[0].rows, rounds[1].rows
    assert first.goal.id == "G1" and first.change is None and first.previous_round is None
    assert first.aggregate.total is not None
    assert second.previous_round == 1
    assert second.change == pytest.approx(second.aggregate.total.mean - first.aggregate.total.mean, abs=0.011)
    assert second.change > 0
    assert rounds[1].has_comments and not rounds[0].has_comments


def test_survey_change_skips_rounds_without_enough_responses() -> None:
    def rnd(n, ratings):
        return {
            "round": n,
            "sent": f"2026-0{n}-01",
            "closed": f"2026-0{n}-10",
            "results": [{"goal": "G1", "groups": {"peers": ratings}}],
        }

    e = minimal(
        stages={
            "analysis": {
                "competencies": [{"id": "c", "name": "C"}],
                "plan": {"goals": [{"id": "G1", "competency": "c", "goal": "g"}]},
            },
            "achievement": {"surveys": [rnd(1, [1, 1, 1]), rnd(2, [2]), rnd(3, [2, 2, 2])]},
        }
    )
    r1, r2, r3 = (r.rows[0] for r in survey_view.survey_rounds(e, AFTER_EVERY_ROUND))
    assert r2.aggregate.total is None and r2.change is None and not r2.enough
    assert r3.change == pytest.approx(1.0) and r3.previous_round == 1


def test_survey_rows_take_the_change_from_surveys_rounds_by_goal(closed: Engagement) -> None:
    """One implementation of the change between rounds: surveys.rounds_by_goal."""
    from coachportal.core.surveys import rounds_by_goal

    by_goal = rounds_by_goal(closed.stages.achievement.surveys)
    for r in survey_view.survey_rounds(closed, AFTER_EVERY_ROUND):
        for row in r.rows:
            (figures,) = [f for f in by_goal[row.goal_id] if f.round == r.survey.round]
            assert (row.aggregate, row.change, row.previous_round) == (
                figures.aggregate,
                figures.change,
                figures.previous_round,
            )


def test_survey_rows_in_plan_order_with_a_goal_twice_in_a_round() -> None:
    def result(goal, ratings):
        return {"goal": goal, "groups": {"peers": ratings}}

    e = minimal(
        stages={
            "analysis": {
                "competencies": [{"id": "c", "name": "C"}],
                "plan": {
                    "goals": [
                        {"id": "G2", "competency": "c", "goal": "second"},
                        {"id": "G1", "competency": "c", "goal": "first"},
                    ]
                },
            },
            "achievement": {
                "surveys": [
                    {
                        "round": 2,
                        "sent": "2026-02-01",
                        "closed": "2026-02-10",
                        "results": [result("G1", [2, 2, 2]), result("G1", [3, 3, 3])],
                    },
                    {
                        "round": 1,
                        "sent": "2026-01-01",
                        "closed": "2026-01-10",
                        "results": [result("G1", [1, 1, 1]), result("G2", [0, 0, 0])],
                    },
                ]
            },
        }
    )
    r1, r2 = survey_view.survey_rounds(e, AFTER_EVERY_ROUND)
    assert [row.goal_id for row in r1.rows] == ["G2", "G1"]  # plan order
    assert [(row.change, row.previous_round) for row in r1.rows] == [(None, None), (None, None)]
    assert [(row.change, row.previous_round) for row in r2.rows] == [(1.0, 1), (1.0, 2)]


# --- formatting ---------------------------------------------------------------------------


def test_formatting_helpers() -> None:
    assert formatting.fmt_date(D(2026, 2, 4)) == "4 Feb 2026"
    assert formatting.fmt_range(D(2026, 2, 2), D(2026, 2, 20)) == "2 – 20 Feb 2026"
    assert formatting.fmt_range(D(2026, 2, 16), D(2026, 3, 13)) == "16 Feb – 13 Mar 2026"
    assert formatting.fmt_range(D(2025, 12, 1), D(2026, 1, 13)) == "1 Dec 2025 – 13 Jan 2026"
    assert formatting.fmt_range(D(2026, 1, 1), None) == "from 1 Jan 2026"
    assert formatting.fmt_minutes(45) == "45 min" and formatting.fmt_minutes(120) == "2 h"
    assert formatting.fmt_signed(1.25) in ("+1.2", "+1.3") and formatting.fmt_signed(-0.5) == "\u22120.5"
    assert formatting.fmt_signed(0.01) == "0.0" and formatting.fmt_signed(None) == ""
    assert formatting.fmt_share(0.67) == "67%"
    assert VISIBILITY_LABELS["client"] == "Client view"


# --- survey rounds collect before they close (issue 9: no rating recoverable between builds) --


def _one_round(**survey) -> Engagement:
    return minimal(
        stages={
            "analysis": {
                "competencies": [{"id": "c", "name": "C"}],
                "plan": {"goals": [{"id": "G1", "competency": "c", "goal": "g"}]},
            },
            "achievement": {
                "surveys": [
                    {
                        "round": 1,
                        "sent": "2026-03-01",
                        **survey,
                        "results": [
                            {"goal": "G1", "groups": {"peers": [1, 2, 2]}, "comments": [{"text": "c"}]}
                        ],
                    }
                ]
            },
        }
    )


@pytest.mark.parametrize(
    ("closed", "today", "collecting"),
    [
        (None, D(2027, 1, 1), True),  # never closed: still collecting
        ("2026-03-10", D(2026, 3, 9), True),
        ("2026-03-10", D(2026, 3, 10), True),  # closes at the end of the day
        ("2026-03-10", D(2026, 3, 11), False),
    ],
)
def test_figures_only_after_the_round_has_closed(closed, today, collecting) -> None:
    e = _one_round(**({"closed": closed} if closed else {}))
    (r,) = survey_view.survey_rounds(e, today)
    assert r.collecting is collecting
    assert (r.rows == ()) is collecting  # no figures, no comments while collecting


def test_means_carry_no_more_precision_than_printed() -> None:
    (r,) = survey_view.survey_rounds(_one_round(closed="2026-03-10"), D(2026, 4, 1))
    row = r.rows[0]
    assert row.aggregate.total is not None and row.aggregate.total.mean == 1.7  # 5/3 = 1.666...
    chart = row.chart
    assert chart is not None
    total = chart.bars[-1]
    assert total.value == "+1.7" and total.bar_width == round(1.7 * survey_view.UNIT, 1)


def _with_sessions(*sessions: dict) -> Engagement:
    return minimal(
        stage="action",
        stages={
            "analysis": {"calls": {"cadence": "every 2 weeks", "mode": "video"}},
            "action": {"sessions": list(sessions)},
        },
    )


def test_sessions_hidden_from_a_view_still_count() -> None:
    from coachportal.core.models import Level
    from coachportal.core.redact import redact

    e = _with_sessions(
        {"date": "2026-03-01", "mode": "video", "minutes": 60},
        {"date": "2026-03-15", "mode": "in-person", "minutes": 90, "visibility": "client"},
    )
    sponsor = redact(e, Level.SPONSOR)
    log = actions.session_log(sponsor, D(2026, 3, 20))
    assert [s.date for s in log.sessions] == [D(2026, 3, 1)]  # the private one is not listed
    assert log.summary == "2 coaching sessions, 2 h 30 min in total, including 1 private"
    assert redact(sponsor, Level.SPONSOR).stages.action.totals == sponsor.stages.action.totals
    client = actions.session_log(redact(e, Level.CLIENT), D(2026, 3, 20))
    assert client.summary == "2 coaching sessions, 2 h 30 min in total"


def test_a_long_gap_is_flagged_without_naming_a_private_date() -> None:
    from coachportal.core.models import Level
    from coachportal.core.redact import redact

    e = _with_sessions(
        {"date": "2026-03-01", "mode": "video", "minutes": 60},
        {"date": "2026-03-15", "mode": "video", "minutes": 60, "visibility": "client"},
    )
    assert actions.session_log(e, D(2026, 4, 12)).gap is None  # 28 days: not more than twice 14
    assert (
        actions.session_log(e, D(2026, 4, 13)).gap == "No session since 15 Mar 2026; planned every 2 weeks."
    )
    sponsor = actions.session_log(redact(e, Level.SPONSOR), D(2026, 4, 13))
    assert sponsor.gap == "No session for more than 4 weeks; planned every 2 weeks."
    assert "15 Mar" not in sponsor.gap


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("every 2 weeks", 14),
        ("Every two weeks", 14),
        ("weekly", 7),
        ("biweekly", 14),
        ("fortnightly", 14),
        ("monthly", 30),
        ("once a month", 30),
        ("twice a month", None),  # not a regular step
        ("quarterly", 90),
        ("once a week", 7),
        ("every month", 30),
        ("every 10 days", 10),
        ("when needed", None),
        (None, None),
    ],
)
def test_cadence_days(text: str | None, days: int | None) -> None:
    from coachportal.core.cadence import cadence_days

    assert cadence_days(text) == days


def test_a_repeating_action_is_never_overdue_and_shows_its_latest_report() -> None:
    item = {
        "id": "A1",
        "kind": "relationship",
        "goal": "G1",
        "title": "One-to-one",
        "repeat": "monthly",
        "status": "doing",
        "reports": [{"date": "2026-02-01", "text": "first"}, {"date": "2026-03-01", "text": "second"}],
    }
    once = {**item, "id": "A2", "repeat": None, "due": "2026-02-15", "reports": []}
    e = minimal(
        stage="action",
        stages={
            "analysis": {
                "competencies": [{"id": "c", "name": "C"}],
                "plan": {"goals": [{"id": "G1", "competency": "c", "goal": "g"}]},
            },
            "action": {"items": [item, once]},
        },
    )
    today = D(2027, 1, 1)
    assert [i.id for i in actions.overdue(e, today)] == ["A2"]
    rows = {r.item.id: r for r in actions.goal_progress(e, today)[0].rows}
    assert rows["A1"].repeat_label == "Monthly" and not rows["A1"].overdue
    assert [r.text for r in rows["A1"].reports] == ["second"]
    assert [r.text for r in rows["A1"].earlier_reports] == ["first"]
    assert rows["A2"].repeat_label is None and rows["A2"].overdue
