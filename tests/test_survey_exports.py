"""`coachportal survey` on exports as each tool writes them: read back from the YAML, cell by cell."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import surveyexports as se
from clirun import coachportal
from coachportal.load.loader import load_engagement
from tmpportal import EXAMPLES

WRITERS: dict[str, tuple[Callable[[Path], Path], str, str]] = {
    "google.csv": (se.google_csv, "Google Forms", "utf-8"),
    "msforms.xlsx": (se.msforms_xlsx, "Microsoft Forms", "xlsx"),
    "msforms-excel.csv": (se.msforms_excel_csv, "Microsoft Forms", "cp1252"),
    "qualtrics.csv": (se.qualtrics_csv, "Qualtrics", "utf-8-sig"),
    "qualtrics.tsv": (se.qualtrics_tsv, "Qualtrics", "utf-16"),
    "surveymonkey.csv": (se.surveymonkey_csv, "SurveyMonkey", "utf-8"),
    "surveymonkey.xlsx": (se.surveymonkey_xlsx, "SurveyMonkey", "xlsx"),
}


@pytest.fixture
def engagement(tmp_path: Path) -> Path:
    path = tmp_path / "nw.yml"
    shutil.copy(EXAMPLES / "engagement.yml", path)
    return path


def _import(engagement: Path, export: str, *extra: str) -> object:
    return coachportal(
        "survey", engagement.name, export, "--round", "2", "--sent", "2026-09-01", "--closed", "2026-09-12",
        *extra, cwd=engagement.parent,
    )  # fmt: skip


@pytest.mark.parametrize("name", list(WRITERS))
def test_every_layout_is_read_exactly(engagement: Path, name: str) -> None:
    writer, layout, encoding = WRITERS[name]
    writer(engagement.parent / name)
    result = _import(engagement, name)
    assert result.returncode == 0, result.stderr
    assert f"{name}: {layout} export ({encoding}), 6 rater(s) read" in result.stdout
    assert "blank answers skipped: 2" in result.stdout
    survey = load_engagement(engagement).stages.achievement.surveys[-1]
    groups, comments = se.expected()
    assert {r.goal: r.groups for r in survey.results} == groups
    g2 = next(r for r in survey.results if r.goal == "G2")
    assert [{"group": c.group, "text": c.text} for c in g2.comments] == comments
    assert [r.goal for r in survey.results if r.comments] == ["G2"]


def test_a_qualtrics_preview_is_skipped_and_said(engagement: Path) -> None:
    se.qualtrics_csv(engagement.parent / "q.csv")
    result = _import(engagement, "q.csv")
    assert result.returncode == 0, result.stderr
    assert "skipped row 4: a survey preview (Status 'Survey Preview')" in result.stdout


def test_qualtrics_numeric_values(engagement: Path) -> None:
    se.qualtrics_csv(engagement.parent / "q.csv", numeric=True)
    result = _import(engagement, "q.csv")
    assert result.returncode == 0, result.stderr
    survey = load_engagement(engagement).stages.achievement.surveys[-1]
    assert {r.goal: r.groups for r in survey.results} == se.expected()[0]


def test_dry_run_prints_and_writes_nothing(engagement: Path) -> None:
    se.google_csv(engagement.parent / "g.csv")
    before = engagement.read_bytes()
    result = _import(engagement, "g.csv", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "G1: 6 rating(s) (manager 1, direct-reports 3, peers 2)" in result.stdout
    assert "dry run: nothing was written" in result.stdout
    assert engagement.read_bytes() == before
    assert sorted(p.name for p in engagement.parent.iterdir()) == ["g.csv", "nw.yml"]


def test_a_bad_cell_refuses_the_import_naming_row_and_column(engagement: Path) -> None:
    rows = se.google_rows()
    rows[2][3] = "+5 Much better"  # off the scale
    rows[3][2] = "Intern"  # no such group
    path = engagement.parent / "g.csv"
    path.write_bytes(se._csv(rows).encode("utf-8"))
    before = engagement.read_bytes()
    result = _import(engagement, "g.csv")
    assert result.returncode == 1
    assert "g.csv: 2 problems; nothing was imported" in result.stderr
    assert (
        "g.csv:3:4 (Compared with three months ago, how has Dana changed, if at…): rating +5 is outside"
        in result.stderr
    )
    # rater 2's comment spans two lines, so rater 3 starts on line 5
    assert "g.csv:5:3 (Your working relationship with Dana): unknown rater group 'Intern'" in result.stderr
    assert "Traceback" not in result.stderr
    assert engagement.read_bytes() == before


def test_a_column_naming_two_goals_is_refused(engagement: Path) -> None:
    rows = se.google_rows()
    rows[0][3] = "G1 and G3 together"
    (engagement.parent / "g.csv").write_bytes(se._csv(rows).encode("utf-8"))
    result = _import(engagement, "g.csv")
    assert result.returncode == 1
    assert "g.csv:1:4 (G1 and G3 together): names 2 goals (G1, G3); say which with --map" in result.stderr


def test_map_names_a_column_whose_heading_has_a_comma(engagement: Path) -> None:
    rows = se.google_rows()
    rows[0][5] = "Finance, from the first draft"
    (engagement.parent / "g.csv").write_bytes(se._csv(rows).encode("utf-8"))
    refused = _import(engagement, "g.csv")
    assert refused.returncode == 1 and "holds ratings but names no goal" in refused.stderr
    result = _import(engagement, "g.csv", "--map", "Finance, from the first draft=G3")
    assert result.returncode == 0, result.stderr
    survey = load_engagement(engagement).stages.achievement.surveys[-1]
    assert {r.goal: r.groups for r in survey.results} == se.expected()[0]


def test_an_unknown_layout_asks_for_format(engagement: Path) -> None:
    (engagement.parent / "x.csv").write_bytes(b"a,b\r\n1,2\r\n")
    result = _import(engagement, "x.csv")
    assert result.returncode == 1 and "--format" in result.stderr and "Traceback" not in result.stderr
