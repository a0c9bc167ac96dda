"""Round-trip edits: only the intended lines change, every comment survives, bad edits write nothing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from clirun import changed_lines, coachportal, comments
from coachportal.load.loader import load_engagement
from tmpportal import EXAMPLES


@pytest.fixture
def engagement(tmp_path: Path) -> Path:
    path = tmp_path / "nw-ops-2026.yml"
    shutil.copy(EXAMPLES / "engagement.yml", path)
    return path


def _edit(path: Path, *args: str) -> tuple[str, str, str]:
    before = path.read_text(encoding="utf-8")
    result = coachportal(*args, cwd=path.parent)
    assert result.returncode == 0, result.stderr
    after = path.read_text(encoding="utf-8")
    assert comments(after) == comments(before)
    load_engagement(path)  # still valid
    return before, after, result.stdout


def test_action_done_sets_done_on_and_appends_a_report(engagement: Path) -> None:
    before, after, out = _edit(
        engagement,
        "action",
        engagement.name,
        "A2",
        "--status",
        "done",
        "--on",
        "2026-06-01",
        "--report",
        "Done.",
    )
    removed, added = changed_lines(before, after)
    assert removed == ["        status: doing"]
    assert added == [
        "        status: done",
        "        done_on: 2026-06-01",
        "          - {date: 2026-06-01, text: Done.}",
    ]
    assert "A2" in out
    item = next(i for i in load_engagement(engagement).stages.action.items if i.id == "A2")
    assert item.status == "done" and str(item.done_on) == "2026-06-01" and item.reports[-1].text == "Done."


def test_action_back_from_done_drops_done_on(engagement: Path) -> None:
    before, after, _ = _edit(engagement, "action", engagement.name, "A1", "--status", "doing")
    removed, added = changed_lines(before, after)
    assert removed == ["        status: done", "        done_on: 2026-04-10"]
    assert added == ["        status: doing"]


def test_action_report_only_on_an_item_without_reports(engagement: Path) -> None:
    before, after, _ = _edit(
        engagement, "action", engagement.name, "A3", "--report", "Met twice.", "--on", "2026-05-02"
    )
    removed, added = changed_lines(before, after)
    assert removed == []
    assert added == ["        reports:", "          - {date: 2026-05-02, text: Met twice.}"]


def test_session_is_appended_in_the_style_of_the_log(engagement: Path) -> None:
    before, after, _ = _edit(
        engagement, "session", engagement.name, "--date", "2026-05-07", "--mode", "video", "--minutes", "45",
        "--topic", "Delegation", "--topic", "Finance, budgets", "--note", "Coach only.",
    )  # fmt: skip
    removed, added = changed_lines(before, after)
    assert removed == []
    assert added == [
        "      - {date: 2026-05-07, mode: video, minutes: 45, topics: [Delegation, 'Finance, budgets'],"
        " notes: Coach only.}"
    ]
    session = load_engagement(engagement).stages.action.sessions[-1]
    assert session.topics == ["Delegation", "Finance, budgets"] and session.notes == "Coach only."


def test_stage_keeps_the_line_comment(engagement: Path) -> None:
    before, after, _ = _edit(engagement, "stage", engagement.name, "achievement")
    removed, added = changed_lines(before, after)
    assert removed == [
        "stage: action              # current stage: awareness | analysis | action | achievement | closed"
    ]
    assert added == [
        "stage: achievement         # current stage: awareness | analysis | action | achievement | closed"
    ]


def test_the_closed_reference_file_round_trips_too(tmp_path: Path) -> None:
    path = tmp_path / "closed.yml"
    shutil.copy(EXAMPLES / "engagement-closed.yml", path)
    before, after, _ = _edit(
        path, "session", path.name, "--date", "2025-10-01", "--mode", "phone", "--minutes", "30"
    )
    removed, added = changed_lines(before, after)
    assert removed == [] and len(added) == 1 and "2025-10-01" in added[0]


def test_an_edit_that_breaks_the_file_writes_nothing(engagement: Path) -> None:
    before = engagement.read_text(encoding="utf-8")
    mode = os.stat(engagement).st_mode
    result = coachportal(
        "session",
        engagement.name,
        "--date",
        "2026-05-07",
        "--mode",
        "video",
        "--minutes",
        "0",
        cwd=engagement.parent,
    )
    assert result.returncode == 1
    assert "the edit would make the file invalid, so it is unchanged" in result.stderr
    assert "minutes: 0 is out of range" in result.stderr and f"{engagement.name}:" in result.stderr
    assert engagement.read_text(encoding="utf-8") == before and os.stat(engagement).st_mode == mode
    assert sorted(p.name for p in engagement.parent.iterdir()) == [engagement.name]  # no temp file left


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["action", "{f}", "A9", "--status", "done"], "no action item 'A9'"),
        (["action", "{f}", "A1"], "give --status and/or --report"),
        (
            ["session", "{f}", "--date", "2026-02-30", "--mode", "video", "--minutes", "30"],
            "not a date: '2026-02-30'",
        ),
        (["stage", "{f}", "actoin"], "invalid choice: 'actoin'"),
        (["action", "missing.yml", "A1", "--status", "done"], "missing.yml: no such file"),
    ],
)
def test_bad_edits_are_refused_with_a_message(engagement: Path, args: list[str], message: str) -> None:
    before = engagement.read_text(encoding="utf-8")
    result = coachportal(*[a.replace("{f}", engagement.name) for a in args], cwd=engagement.parent)
    assert result.returncode != 0 and message in result.stderr
    assert engagement.read_text(encoding="utf-8") == before


SMALL = """\
id: small   # dashes at the key's column, ~ for null
title: Small
stage: action
start: 2026-01-05
end: 2026-09-30
client: {name: C}
coach: {name: K}
stages:
  analysis:
    competencies:
    - {id: c, name: A competency}
    plan:
      goals:
      - id: G1
        competency: c
        goal: A goal
  action:
    items:
    - id: A1
      kind: other
      goal: G1
      title: Something
    sessions:
    - date: 2026-02-01
      mode: video
      minutes: 30
  achievement:
    final_report: ~
"""


def test_a_file_in_another_layout_is_edited_without_reformatting(tmp_path: Path) -> None:
    path = tmp_path / "small.yml"
    path.write_text(SMALL, encoding="utf-8")
    before, after, _ = _edit(path, "action", path.name, "A1", "--status", "done", "--on", "2026-03-01")
    removed, added = changed_lines(before, after)
    assert removed == [] and added == ["      status: done", "      done_on: 2026-03-01"]
    before, after, _ = _edit(
        path, "session", path.name, "--date", "2026-03-02", "--mode", "phone", "--minutes", "20"
    )
    removed, added = changed_lines(before, after)
    # block-style siblings: the new session is a block too
    assert removed == [] and added == ["    - date: 2026-03-02", "      mode: phone", "      minutes: 20"]


def test_a_file_the_round_trip_cannot_keep_is_refused(tmp_path: Path) -> None:
    text = (EXAMPLES / "engagement.yml").read_text(encoding="utf-8")
    path = tmp_path / "e.yml"
    # mixed null spellings: no single writer style reproduces the file
    path.write_text(text.replace("expectations_met: null", "expectations_met: ~"), encoding="utf-8")
    path.write_text(path.read_text().replace("phase_down: null", "phase_down:"), encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    result = coachportal("stage", path.name, "closed", cwd=tmp_path)
    assert result.returncode == 1 and "edit it by hand" in result.stderr
    assert path.read_text(encoding="utf-8") == before


def test_an_edit_of_a_file_that_is_already_invalid_says_so(engagement: Path) -> None:
    engagement.write_text(
        engagement.read_text().replace("status: doing", "status: doign", 1), encoding="utf-8"
    )
    result = coachportal("stage", engagement.name, "achievement", cwd=engagement.parent)
    assert result.returncode == 1
    assert "is not valid as it is; fix these problems first" in result.stderr and "'doign'" in result.stderr


def test_done_again_keeps_the_day_it_was_done(engagement: Path) -> None:
    before, after, _ = _edit(
        engagement, "action", engagement.name, "A1", "--status", "done", "--report", "Still."
    )
    removed, added = changed_lines(before, after)
    assert removed == [] and len(added) == 1 and "text: Still.}" in added[0]


def test_a_one_line_action_item_is_rewritten_as_one_line(tmp_path: Path) -> None:
    path = tmp_path / "small.yml"
    path.write_text(
        SMALL.replace(
            "    - id: A1\n      kind: other\n      goal: G1\n      title: Something\n",
            "    - {id: A1, kind: other, goal: G1, title: Something, status: doing}   # keep me\n",
        ),
        encoding="utf-8",
    )
    before, after, _ = _edit(path, "action", path.name, "A1", "--status", "done", "--on", "2026-03-01")
    removed, added = changed_lines(before, after)
    assert removed == ["    - {id: A1, kind: other, goal: G1, title: Something, status: doing}   # keep me"]
    # the comment stays; it moves right only because the line grew past its column
    assert added == [
        "    - {id: A1, kind: other, goal: G1, title: Something, status: done, done_on: 2026-03-01} # keep me"
    ]
