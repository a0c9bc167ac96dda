"""`coachportal survey`: a survey tool's CSV export becomes a survey round, or nothing at all."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from clirun import changed_lines, coachportal, comments
from coachportal.load.loader import load_engagement
from tmpportal import EXAMPLES


@pytest.fixture
def engagement(tmp_path: Path) -> Path:
    path = tmp_path / "nw.yml"
    shutil.copy(EXAMPLES / "engagement.yml", path)
    return path


GOOD = """\
goal,group,rating,comment
G1,manager,2,
G1,direct-reports,1,Asks before deciding
G1,Direct reports,2,
G1,peers,+1,
G2,manager,1,
G2,peers,-1,"Still interrupts, sometimes"
"""


def test_a_good_export_becomes_round_2(engagement: Path) -> None:
    (engagement.parent / "results.csv").write_text(GOOD, encoding="utf-8")
    before = engagement.read_text(encoding="utf-8")
    result = coachportal(
        "survey", engagement.name, "--round", "2", "--sent", "2026-09-01", "--closed", "2026-09-12",
        "results.csv", cwd=engagement.parent,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "survey round 2: 2 goal(s), 6 rating(s) imported" in result.stdout
    after = engagement.read_text(encoding="utf-8")
    removed, added = changed_lines(before, after)
    assert removed == [] and comments(after) == comments(before)
    assert added == [
        "      - round: 2",
        "        sent: 2026-09-01",
        "        closed: 2026-09-12",
        "        results:",
        "          - goal: G1",
        "            groups:",
        "              manager: [2]",
        "              direct-reports: [1, 2]",
        "              peers: [1]",
        "            comments:",
        "              - {group: direct-reports, text: Asks before deciding}",
        "          - goal: G2",
        "            groups:",
        "              manager: [1]",
        "              peers: [-1]",
        "            comments:",
        "              - {group: peers, text: 'Still interrupts, sometimes'}",
    ]
    survey = load_engagement(engagement).stages.achievement.surveys[-1]
    assert survey.round == 2 and survey.results[0].groups == {
        "manager": [2],
        "direct-reports": [1, 2],
        "peers": [1],
    }


def test_column_names_and_semicolons_of_another_tool(engagement: Path) -> None:
    export = "\ufeffGoal;Role;Score;Comment\nG3;Manager;3;Great\nG3;peers;0;\n"  # Excel: BOM and ';'
    (engagement.parent / "forms.csv").write_text(export, encoding="utf-8")
    args = ["--columns", "goal=Goal,group=Role,rating=Score,comment=Comment"]
    guessed = coachportal(
        "survey", engagement.name, "forms.csv", "--round", "2", "--sent", "2026-09-01", *args,
        cwd=engagement.parent,
    )  # fmt: skip
    assert (
        guessed.returncode == 1 and "cannot tell which survey tool" in guessed.stderr
    )  # ';' is never guessed
    result = coachportal(
        "survey", engagement.name, "forms.csv", "--round", "2", "--sent", "2026-09-01", *args,
        "--delimiter", "semicolon", cwd=engagement.parent,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    result_g3 = load_engagement(engagement).stages.achievement.surveys[-1].results[0]
    assert result_g3.goal == "G3" and result_g3.groups == {"manager": [3], "peers": [0]}


def test_every_bad_row_is_reported_and_nothing_is_written(engagement: Path) -> None:
    bad = "goal,group,rating\nG1,manager,2\nG9,manager,1\nG1,intern,4\nG2,peers,x\n"
    (engagement.parent / "bad.csv").write_text(bad, encoding="utf-8")
    before = engagement.read_text(encoding="utf-8")
    result = coachportal(
        "survey", engagement.name, "bad.csv", "--round", "2", "--sent", "2026-09-01", cwd=engagement.parent
    )
    assert result.returncode == 1
    assert "bad.csv: 4 problems; nothing was imported" in result.stderr
    assert "bad.csv:3:1 (goal): unknown goal 'G9'" in result.stderr
    assert "bad.csv:4:2 (group): unknown rater group 'intern'" in result.stderr
    assert "bad.csv:4:3 (rating): rating 4 is outside the scale (expected -3..+3)" in result.stderr
    assert "bad.csv:5:3 (rating): 'x' is not a rating" in result.stderr
    assert engagement.read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    ("csv_text", "args", "message"),
    [
        ("Goal,Role,Score\nG1,manager,1\n", ["--format", "long"], "missing column(s) 'group', 'rating'"),
        ("goal,group,rating\n", [], "no ratings in the file"),
        ("goal,group,rating\nG1,manager,1\n", ["--columns", "goal"], "is not NAME=COLUMN"),
        ("goal,group,rating\nG1,manager,1\n", ["--round", "1"], "survey round 1 is already in the file"),
    ],
)
def test_refused_imports(engagement: Path, csv_text: str, args: list[str], message: str) -> None:
    (engagement.parent / "r.csv").write_text(csv_text, encoding="utf-8")
    before = engagement.read_text(encoding="utf-8")
    base = ["--round", "2"] if "--round" not in args else []
    result = coachportal(
        "survey", engagement.name, "r.csv", "--sent", "2026-09-01", *base, *args, cwd=engagement.parent
    )
    assert result.returncode == 1 and message in result.stderr, result.stderr
    assert engagement.read_text(encoding="utf-8") == before
