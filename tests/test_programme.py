"""derive/programme.py: the next real date from each kind of source, contract counting
(private sessions counted), the contract warnings in `validate`, and the facts the
dashboard's programme row adds up."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from clirun import coachportal
from coachportal.core.models import Level
from coachportal.core.redact import redact
from coachportal.derive import programme
from coachportal.load.loader import load_engagement
from coachportal.render import dashboard
from tmpportal import EXAMPLES

BASE = """\
id: p-one
title: Programme test
stage: {stage}
start: 2026-01-05
end: 2026-12-18
client: {{name: Ann Example}}
coach: {{name: Cole Coach}}
{extra}
stages:
{stages}
"""


def write(tmp_path: Path, stage: str = "action", extra: str = "", stages: str = "  action: {}") -> Path:
    path = tmp_path / "p-one.yml"
    path.write_text(BASE.format(stage=stage, extra=extra, stages=stages), encoding="utf-8")
    return path


def engagement(tmp_path: Path, **parts: str) -> object:
    return load_engagement(write(tmp_path, **parts))


TODAY = dt.date(2026, 6, 20)


def test_next_date_is_a_scheduled_call(tmp_path: Path) -> None:
    e = engagement(
        tmp_path, stages="  analysis:\n    calls: {cadence: every 2 weeks, mode: video, first: 2026-06-04}"
    )
    nearest = programme.next_date(e, TODAY)
    assert (nearest.date, nearest.what) == (dt.date(2026, 7, 2), "Coaching call")  # 4 Jun, 18 Jun, 2 Jul


def test_a_held_call_is_not_upcoming(tmp_path: Path) -> None:
    stages = (
        "  analysis:\n    calls: {cadence: weekly, mode: video, first: 2026-06-13}\n"
        "  action:\n    sessions: [{date: 2026-06-27, mode: video, minutes: 60}]"
    )
    dates = [n.date for n in programme.upcoming_dates(engagement(tmp_path, stages=stages), TODAY)]
    assert dt.date(2026, 6, 20) in dates and dt.date(2026, 6, 27) not in dates


def test_next_date_is_an_open_actions_due_date(tmp_path: Path) -> None:
    stages = """  analysis:
    competencies: [{id: c1, name: One}]
    plan: {goals: [{id: G1, competency: c1, goal: A goal}]}
  action:
    items:
      - {id: A1, kind: training, goal: G1, title: Done, due: 2026-06-22, status: done, done_on: 2026-06-01}
      - {id: A2, kind: training, goal: G1, title: Read the brief, due: 2026-06-25}
      - {id: A3, kind: training, goal: G1, title: A habit, repeat: weekly}"""
    nearest = programme.next_date(engagement(tmp_path, stages=stages), TODAY)
    assert (nearest.date, nearest.what, nearest.detail) == (
        dt.date(2026, 6, 25),
        "Action due",
        "Read the brief",
    )


def test_next_date_is_a_survey_round_to_send_then_to_close(tmp_path: Path) -> None:
    to_send = "  achievement:\n    surveys: [{round: 2, sent: 2026-06-24}]"
    nearest = programme.next_date(engagement(tmp_path, stage="achievement", stages=to_send), TODAY)
    assert (nearest.date, nearest.what) == (dt.date(2026, 6, 24), "Survey round 2 to send")
    to_close = "  achievement:\n    surveys: [{round: 1, sent: 2026-06-10, closed: 2026-06-26}]"
    nearest = programme.next_date(engagement(tmp_path, stage="achievement", stages=to_close), TODAY)
    assert (nearest.date, nearest.what) == (dt.date(2026, 6, 26), "Survey round 1 closes")


def test_next_date_is_the_stages_planned_end_then_the_follow_up(tmp_path: Path) -> None:
    stages = "  action:\n    planned: {start: 2026-03-01, end: 2026-07-31}"
    nearest = programme.next_date(engagement(tmp_path, stages=stages), TODAY)
    assert (nearest.date, nearest.what) == (dt.date(2026, 7, 31), "Planned end of the stage")
    stages = "  achievement:\n    follow_up: {date: 2026-09-01}"
    nearest = programme.next_date(engagement(tmp_path, stage="achievement", stages=stages), TODAY)
    assert (nearest.date, nearest.what) == (dt.date(2026, 9, 1), "Follow-up")
    assert programme.next_date(engagement(tmp_path), TODAY).what == "Planned end"  # nothing else left


def test_closed_engagements_have_no_next_date(tmp_path: Path) -> None:
    assert programme.next_date(engagement(tmp_path, stage="closed"), TODAY) is None


SESSIONS = """  action:
    sessions:
      - {date: 2026-03-02, mode: video, minutes: 90}
      - {date: 2026-04-06, mode: video, minutes: 60, visibility: coach, notes: Private.}
      - {date: 2026-05-04, mode: video, minutes: 90, visibility: client}"""


def test_contract_counts_private_sessions_but_does_not_name_them(tmp_path: Path) -> None:
    e = engagement(tmp_path, extra="contract: {sessions: 2, hours: 5}", stages=SESSIONS)
    sponsor = redact(e, Level.SPONSOR)
    used = programme.usage(sponsor)
    assert (used.sessions, used.hours, used.over_sessions, used.over_hours) == (3, 4.0, True, False)
    assert len(sponsor.stages.action.sessions) == 1  # the sponsor's pages list one session
    assert programme.last_session(sponsor, TODAY) == dt.date(2026, 3, 2)
    row = dashboard.row(sponsor, TODAY, "p-one/")
    assert (row.sessions_text, row.over_contract_label) == ("3 of 2 · 4 of 5 h", "Over contract")
    html = dashboard.row_html(row)
    assert "2026-04-06" not in html and "2026-05-04" not in html and "Private" not in html


def test_contract_within_limits_warns_nothing(tmp_path: Path) -> None:
    e = engagement(tmp_path, extra="contract: {sessions: 12, hours: 18, until: 2026-12-31}", stages=SESSIONS)
    assert programme.contract_warnings(e) == [] and not programme.usage(e).over


def test_validate_warns_about_an_overused_or_short_contract(tmp_path: Path) -> None:
    engagement(tmp_path, extra="contract:\n  sessions: 2\n  until: 2026-11-30", stages=SESSIONS)
    result = coachportal("validate", "p-one.yml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr  # a warning, not an error
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: p-one.yml:9:13: contract.sessions: 3 sessions held, 2 contracted "
        "(expected no more sessions than the contract's)",
        "warning: p-one.yml:10:10: contract.until: the contract ends 2026-11-30, before the engagement's "
        "planned end 2026-12-18 (expected until on or after end)",
    ]


def test_contract_fields_are_checked(tmp_path: Path) -> None:
    write(tmp_path, extra="contract: {sessions: 0, hourz: 3}")
    result = coachportal("validate", "p-one.yml", cwd=tmp_path)
    assert result.returncode == 1
    assert "p-one.yml:8:22: contract.sessions: 0 is out of range (expected 1 or more)" in result.stderr
    assert "p-one.yml:8:25: contract.hourz: unknown field 'hourz'; did you mean 'hours'?" in result.stderr


def test_survey_means_per_round_weighted_by_responses() -> None:
    e = load_engagement(EXAMPLES / "engagement.yml")
    # the mean of the round's goal totals, weighted by their responses
    figures = [r.aggregate.total for r in e.stages.achievement.surveys[0].results if r.aggregate.total]
    expected = round(sum(f.mean * f.n for f in figures) / sum(f.n for f in figures), 2)
    assert programme.survey_means(e) == {1: expected}


def test_facts_carry_what_the_programme_row_adds_up(tmp_path: Path) -> None:
    e = engagement(tmp_path, extra='programme: "Cohort A"\ncontract: {sessions: 10}', stages=SESSIONS)
    row = dashboard.row(e, TODAY, "p-one/")
    facts = json.loads(dashboard.facts(e, row))
    assert facts["programme"] == "Cohort A" and (facts["sessions"], facts["contracted"]) == (3, 10)
    assert facts["pages"][0] == "p-one/" and "p-one/actions/" in facts["pages"]


@pytest.mark.parametrize("example", ["engagement.yml", "engagement-closed.yml"])
def test_reference_examples_still_load_without_the_new_fields(example: str) -> None:
    e = load_engagement(EXAMPLES / example)
    assert e.contract is None and e.programme is None
