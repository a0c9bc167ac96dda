"""The rest of the week by command: `goal add`, `action add`, `survey discussed`, `followup`.

Each runs the real command line on a copy of the reference file and checks the lines it
added (in the style of their neighbours, every comment kept), what the loader reads back,
and that what it refuses leaves the file byte for byte as it was.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from clirun import changed_lines, coachportal
from coachportal.load.loader import load_engagement
from tmpportal import EXAMPLES

TODAY = "2026-06-20"


@pytest.fixture
def engagement(tmp_path: Path) -> Path:
    path = tmp_path / "nw-ops-2026.yml"
    shutil.copy(EXAMPLES / "engagement.yml", path)
    return path


def run(engagement: Path, *args: str, today: str = TODAY) -> tuple[int, str, list[str], list[str]]:
    """(exit code, stderr, removed lines, added lines) of one command on ``engagement``."""
    before = engagement.read_text(encoding="utf-8")
    result = coachportal(*args, cwd=engagement.parent, COACHPORTAL_TODAY=today)
    removed, added = changed_lines(before, engagement.read_text(encoding="utf-8"))
    return result.returncode, result.stderr, removed, added


def refused(engagement: Path, *args: str, today: str = TODAY, exit_code: int = 1) -> str:
    """The command's error (2: argparse refused an option; 1: the edit was refused)."""
    before = engagement.read_bytes()
    code, err, _, _ = run(engagement, *args, today=today)
    assert code == exit_code and err.strip(), err
    assert engagement.read_bytes() == before
    return err


def test_goal_add_appends_the_next_goal_in_the_style_of_the_plan(engagement: Path) -> None:
    code, err, removed, added = run(
        engagement, "goal", "add", str(engagement), "--competency", "listening",
        "--goal", "Summarise before responding", "--measure", "Survey +1 or better", "--target", "2026-09-30",
    )  # fmt: skip
    assert code == 0, err
    assert removed == []
    assert added == [
        "        - id: G4",
        "          competency: listening",
        "          goal: Summarise before responding",
        "          measures: [Survey +1 or better]",
        "          target: 2026-09-30",
    ]
    goal = load_engagement(engagement).stages.analysis.plan.goals[-1]
    assert (goal.id, goal.competency, goal.measures) == ("G4", "listening", ["Survey +1 or better"])


def test_goal_add_refuses_an_unknown_competency_and_a_taken_id(engagement: Path) -> None:
    err = refused(engagement, "goal", "add", str(engagement), "--competency", "listenin", "--goal", "x")
    assert "competency" in err and "listening" in err  # named, with what exists
    err = refused(
        engagement, "goal", "add", str(engagement), "--competency", "listening", "--goal", "x", "--id", "G2"
    )
    assert "goal 'G2' is already in the file" in err


def test_action_add_with_a_due_date_or_a_cadence(engagement: Path) -> None:
    code, err, removed, added = run(
        engagement, "action", "add", str(engagement), "--goal", "G2", "--kind", "new-behavior",
        "--title", "Summarise first in staff meetings", "--due", "2026-07-31",
    )  # fmt: skip
    assert code == 0, err
    ids = [item.id for item in load_engagement(engagement).stages.action.items]
    new = f"A{max(int(i[1:]) for i in ids[:-1]) + 1}"
    assert removed == [] and added == [
        f"      - id: {new}",
        "        kind: new-behavior",
        "        goal: G2",
        "        title: Summarise first in staff meetings",
        "        due: 2026-07-31",
        "        status: todo",
    ]
    code, err, _, added = run(
        engagement, "action", "add", str(engagement), "--goal", "G1", "--kind", "other",
        "--title", "A weekly delegation log", "--repeat", "weekly",
    )  # fmt: skip
    assert code == 0, err
    item = load_engagement(engagement).stages.action.items[-1]
    assert (item.repeat, item.due, item.status) == ("weekly", None, "todo")
    # the update form the README has always shown still works on the new item
    code, err, _, _ = run(engagement, "action", str(engagement), item.id, "--status", "doing")
    assert code == 0, err
    assert load_engagement(engagement).stages.action.items[-1].status == "doing"


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--goal", "G9", "--kind", "other", "--due", "2026-07-01"], "unknown goal 'G9'"),
        (["--goal", "G1", "--kind", "habit", "--due", "2026-07-01"], "invalid choice: 'habit'"),
        (["--goal", "G1", "--kind", "other", "--due", "2026-07-01", "--repeat", "weekly"], "not both"),
        (["--goal", "G1", "--kind", "other"], "--due DATE or --repeat"),
        (["--goal", "G1", "--kind", "other", "--due", "2026-07-01", "--id", "A1"], "'A1' is already"),
    ],
)
def test_action_add_refuses_what_would_not_hold(engagement: Path, extra: list[str], said: str) -> None:
    exit_code = 2 if "invalid choice" in said else 1
    err = refused(
        engagement, "action", "add", str(engagement), "--title", "Something", *extra, exit_code=exit_code
    )
    assert said in err, err


def test_survey_discussed_sets_the_day_and_refuses_one_before_the_close_or_after_today(
    engagement: Path,
) -> None:
    code, err, removed, added = run(
        engagement, "survey", "discussed", str(engagement), "--round", "1", "--on", "2026-06-19"
    )
    assert code == 0, err
    assert [line.strip() for line in removed] == ["discussed: 2026-06-18"]
    assert [line.strip() for line in added] == ["discussed: 2026-06-19"]
    assert "before closed 2026-06-12" in refused(
        engagement, "survey", "discussed", str(engagement), "--round", "1", "--on", "2026-06-10"
    )
    assert "after today (2026-06-20)" in refused(
        engagement, "survey", "discussed", str(engagement), "--round", "1", "--on", "2026-06-25"
    )
    assert "no survey round 2" in refused(
        engagement, "survey", "discussed", str(engagement), "--round", "2", "--on", "2026-06-19"
    )


def test_followup_is_recorded_once_keeping_the_comment_beside_it(engagement: Path) -> None:
    code, err, removed, added = run(
        engagement, "followup", str(engagement), "--date", "2026-06-19",
        "--feedback", "Directors run the monthly review",
        "--accomplishment", "Directors own regional decisions",
    )  # fmt: skip
    assert code == 0, err
    assert [line.split("#")[0].strip() for line in removed] == ["follow_up: null"]
    assert "# {date:, feedback:, accomplishments: []}" in added[0]  # the file's own hint survives
    assert [line.strip() for line in added[1:]] == [
        "date: 2026-06-19",
        "feedback: Directors run the monthly review",
        "accomplishments: [Directors own regional decisions]",
    ]
    follow_up = load_engagement(engagement).stages.achievement.follow_up
    assert follow_up is not None and follow_up.accomplishments == ["Directors own regional decisions"]
    assert "already in the file" in refused(engagement, "followup", str(engagement), "--date", "2026-06-19")


def test_feedback_dated_after_today_is_refused(engagement: Path) -> None:
    err = refused(engagement, "followup", str(engagement), "--date", "2026-07-01", "--feedback", "Fine")
    assert "follow_up.date: follow-up feedback of 2026-07-01 is after today (2026-06-20)" in err


def test_what_was_there_before_does_not_block_an_unrelated_edit(engagement: Path) -> None:
    """A hand-edited file with a session after today warns in validate; adding a goal still
    works (the edit refuses only what it would add), adding another late session does not."""
    text = engagement.read_text(encoding="utf-8")
    late = text.replace("{date: 2026-04-09", "{date: 2026-06-25")
    assert late != text
    engagement.write_text(late, encoding="utf-8")
    warned = coachportal("validate", engagement.name, cwd=engagement.parent, COACHPORTAL_TODAY=TODAY)
    assert "session of 2026-06-25 is after today" in warned.stderr, warned.stderr
    code, err, _, _ = run(
        engagement, "goal", "add", str(engagement), "--competency", "listening", "--goal", "x"
    )
    assert code == 0, err
    assert "after today" in refused(
        engagement, "session", str(engagement), "--date", "2026-06-26", "--mode", "video", "--minutes", "30"
    )


@pytest.mark.parametrize(
    "command",
    [
        ["goal", "add"], ["action", "add"], ["action", "update"], ["correction", "add"],
        ["survey", "import"], ["survey", "discussed"], ["followup"], ["session"], ["stage"],
    ],
)  # fmt: skip
def test_each_edit_command_shows_an_example(tmp_path: Path, command: list[str]) -> None:
    result = coachportal(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    example = result.stdout.split("example", 1)[1]
    assert f"coachportal {command[0]} " in example, result.stdout


def test_a_second_late_session_on_a_day_already_late_is_refused_too(engagement: Path) -> None:
    text = engagement.read_text(encoding="utf-8")
    engagement.write_text(
        text.replace("{date: 2026-04-23, mode", "{date: 2026-06-25, mode"), encoding="utf-8"
    )
    err = refused(
        engagement, "session", str(engagement), "--date", "2026-06-25", "--mode", "video", "--minutes", "30"
    )
    assert "session of 2026-06-25 is after today" in err, err


def test_an_edit_that_makes_an_invalid_file_valid_is_checked_without_a_traceback(engagement: Path) -> None:
    """An action names goal G9, which is missing: adding G9 makes the file valid."""
    text = engagement.read_text(encoding="utf-8")
    engagement.write_text(text.replace("goal: G1\n", "goal: G9\n", 1), encoding="utf-8")
    code, err, _, added = run(
        engagement, "goal", "add", str(engagement), "--id", "G9", "--competency", "listening", "--goal", "x"
    )
    assert code == 0, err
    assert "        - id: G9" in added
    assert load_engagement(engagement).stages.analysis.plan.goals[-1].id == "G9"
