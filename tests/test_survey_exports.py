"""`coachportal survey` on exports as each tool writes them: read back from the YAML, cell by cell."""

from __future__ import annotations

import codecs
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import surveyexports as se
from clirun import coachportal
from coachportal.edit.errors import EditError
from coachportal.edit.surveys.detect import WIDE, detect, read_export
from coachportal.edit.surveys.result import Options
from coachportal.edit.surveys.sheet import META
from coachportal.edit.surveys.table import read_table
from coachportal.load.loader import load_engagement
from tmpportal import DEMO_ENGAGEMENTS, EXAMPLES

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


# Older formats, under header rows copied byte for byte from real exports (fixtures/surveys).
OLD_WRITERS: dict[str, tuple[Callable[..., Path], str, str, list[str]]] = {  # (path, rows=None)
    "qualtrics-legacy.csv": (se.qualtrics_legacy_csv, "Qualtrics", "utf-8-sig", se.QUALTRICS_OLD_MAP),
    "qualtrics-2016.csv": (se.qualtrics_2016_csv, "Qualtrics", "utf-8", se.QUALTRICS_OLD_MAP),
    "surveymonkey-2017.csv": (se.surveymonkey_2017_csv, "SurveyMonkey", "utf-8", []),
}


@pytest.mark.parametrize("name", list(WRITERS))
def test_every_layout_is_read_exactly(engagement: Path, name: str) -> None:
    writer, layout, encoding = WRITERS[name]
    writer(engagement.parent / name)
    assert_read_exactly(engagement, name, layout, encoding)


@pytest.mark.parametrize("name", list(OLD_WRITERS))
def test_older_formats_are_read_exactly(engagement: Path, name: str) -> None:
    writer, layout, encoding, extra = OLD_WRITERS[name]
    writer(engagement.parent / name)
    assert_read_exactly(engagement, name, layout, encoding, *extra)


def assert_read_exactly(engagement: Path, name: str, layout: str, encoding: str, *extra: str) -> None:
    """The six raters of ``se.RATERS``, every rating and comment, in the engagement file."""
    result = _import(engagement, name, *extra)
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


@pytest.mark.parametrize(("name", "line"), [("qualtrics-legacy.csv", 3), ("qualtrics-2016.csv", 4)])
def test_old_qualtrics_columns_and_preview(engagement: Path, name: str, line: int) -> None:
    """Legacy: two header rows, V1-V10 and Location* its own; 2016: three, its own by ImportId."""
    OLD_WRITERS[name][0](engagement.parent / name)
    result = _import(engagement, name, *se.QUALTRICS_OLD_MAP, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert f"skipped row {line}: a survey preview (Status '1')" in result.stdout
    first = 11 if line == 3 else 12  # the 2016 format has one more column of its own
    roles = ["rater groups", "ratings on G1", "ratings on G2", "ratings on G3", "comments on G3"]
    roles.append("comments on G2")  # mc_question_five_TEXT, by --map
    shown = re.findall(r"(?m)^  column (\d+) '.*': (.*)$", result.stdout)
    assert shown == [(str(first + i), role) for i, role in enumerate(roles)]


@pytest.mark.parametrize(
    ("name", "layout", "own"),
    [
        ("qualtrics-current.head.csv", "qualtrics", 17),  # StartDate ... UserLanguage
        ("qualtrics-legacy-sample.head.csv", "qualtrics", 10),  # V1 ... V10 (Location* come last)
        ("qualtrics-legacy.head.csv", "qualtrics", 10),
        ("qualtrics-2016.head.csv", "qualtrics", 11),  # ResponseID ... Status
        ("surveymonkey-2017.head.csv", "surveymonkey", 9),  # RespondentID ... Custom Data
    ],
)
def test_real_header_rows_are_recognised(name: str, layout: str, own: int) -> None:
    """The header rows exactly as the tools wrote them: the tool, and which columns are its own."""
    table = read_table(se.HEADS / name)
    assert detect(table, Options()) == layout
    columns = WIDE[layout].sheet(table).columns
    assert [c.kind for c in columns[:own]] == [META] * own
    assert columns[own].kind != META


def test_surveymonkey_nul_sub_headings_are_empty() -> None:
    """SurveyMonkey's old export writes its own columns' row-2 cells as NUL bytes: empty headings."""
    table = read_table(se.HEADS / "surveymonkey-2017.head.csv")
    assert table.encoding == "utf-8"
    assert table.rows[1].cells[:9] == ["\x00"] * 9  # read exactly; only the heading is empty
    columns = WIDE["surveymonkey"].sheet(table).columns
    assert [c.heading for c in columns[:9]] == [
        "RespondentID", "CollectorID", "StartDate", "EndDate", "IP Address", "Email Address",
        "First Name", "LastName", "Custom Data",
    ]  # fmt: skip
    assert columns[9].heading.startswith(
        "Contact Information (if your location is undisclosed and you\xa0can't"
    )


@pytest.mark.parametrize(
    "data",
    [
        b"",  # se.qualtrics_tsv without its BOM: NULs in every other byte
        "目標,グループ,評価,上司,同僚,部下\r\n".encode("utf-16-le"),  # few NULs, and not UTF-8
    ],
)
def test_utf16_without_a_byte_order_mark_is_still_refused(engagement: Path, data: bytes) -> None:
    path = engagement.parent / "q.tsv"
    path.write_bytes(data or se.qualtrics_tsv(path).read_bytes()[2:])
    result = _import(engagement, "q.tsv")
    assert result.returncode == 1
    assert result.stderr.strip().endswith(
        "q.tsv: looks like UTF-16 text without a byte-order mark; save it again as UTF-8"
    )


@pytest.mark.parametrize(
    ("row", "column", "value", "message"),
    [
        # the first rater's group (line 3, column 10): 'Manager\x00' would read as manager
        (
            2,
            9,
            "Manager\x00",
            r"m.csv:3:10: an answer holds a NUL byte: 'Manager\x00'; export the file again",
        ),
        # a rating made only of NULs is not a blank answer
        (2, 11, "\x00", r"m.csv:3:12: an answer holds a NUL byte: '\x00'; export the file again"),
        # a heading with text and a NUL: not SurveyMonkey's empty sub-heading
        (1, 11, "Better\x00", r"m.csv:2:12: a heading holds a NUL byte: 'Better\x00'; export the file again"),
    ],
)
def test_a_nul_byte_is_never_dropped(
    engagement: Path, row: int, column: int, value: str, message: str
) -> None:
    path = se.surveymonkey_2017_csv(engagement.parent / "m.csv")
    table = read_table(path)
    rows = [r.cells for r in table.rows]
    rows[row][column] = value  # row: 0-based, so line row + 1 (no multi-line cell before it)
    path.write_bytes(se._csv(rows).encode("utf-8"))
    before = engagement.read_bytes()
    result = _import(engagement, "m.csv")
    assert result.returncode == 1
    assert "m.csv: 1 problem; nothing was imported" in result.stderr
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert engagement.read_bytes() == before


def test_import_into_a_portal_made_by_init(tmp_path: Path) -> None:
    """The README's way: `init`, `reader add`, an engagement, then `survey import` of an old export."""
    root = tmp_path / "portal"
    for args, cwd in [
        (("init", str(root), "--site-name", "Northstar Coaching"), tmp_path),
        (("reader", "add", "acme-hr", "--name", "Acme HR"), root),
    ]:
        made = coachportal(*args, cwd=cwd)
        assert made.returncode == 0, made.stderr
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    text = (DEMO_ENGAGEMENTS / "nw-ops-2026.yml").read_text(encoding="utf-8")
    engagement = root / "engagements" / "nw-ops-2026.yml"
    engagement.write_text(re.sub(r"(?m)^access:.*$", "access: [acme-hr]", text), encoding="utf-8")
    se.surveymonkey_2017_csv(root / "export.csv")
    result = coachportal(
        "survey", "import", "engagements/nw-ops-2026.yml", "export.csv", "--round", "2",
        "--sent", "2026-09-01", "--closed", "2026-09-12", cwd=root,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "export.csv: SurveyMonkey export (utf-8), 6 rater(s) read" in result.stdout
    assert "survey round 2: 3 goal(s), 16 rating(s) imported" in result.stdout
    survey = load_engagement(engagement).stages.achievement.surveys[-1]
    assert (survey.round, {r.goal: r.groups for r in survey.results}) == (2, se.expected()[0])
    checked = coachportal("validate", cwd=root)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "1 engagement file(s) OK: nw-ops-2026" in checked.stdout


OLD_ROWS = {
    "qualtrics-legacy.csv": lambda: se.qualtrics_old_rows(legacy=True),
    "qualtrics-2016.csv": lambda: se.qualtrics_old_rows(legacy=False),
    "surveymonkey-2017.csv": se.surveymonkey_2017_rows,
}
Q4_TEXT = "Click to write the question text This question has custom R…"
Q3_TEXT = "Click to write the question text This question has choice g…"


@pytest.mark.parametrize(
    ("name", "row", "column", "value", "message"),
    [
        # legacy: two header rows, then the preview (row 0 here): the first rater is line 4
        ("qualtrics-legacy.csv", 1, 11, "9", f":4:12 ({Q4_TEXT}): rating 9 (= +5) is outside the scale"),
        # 2016: three header rows, then the preview
        ("qualtrics-2016.csv", 1, 13, "x", f":5:14 ({Q3_TEXT}): 'x' is not a rating"),
        # a rater group the portal does not know (a self-assessment is skipped: see below)
        (
            "surveymonkey-2017.csv",
            0,
            9,
            "Neighbour",
            ":3:10 (Your working relationship with Dana): unknown rater group 'Neighbour'",
        ),
    ],
)
def test_a_bad_cell_in_an_older_format_is_refused_at_its_place(
    engagement: Path, name: str, row: int, column: int, value: str, message: str
) -> None:
    writer, _layout, _encoding, extra = OLD_WRITERS[name]
    rows = OLD_ROWS[name]()
    rows[row][column] = value
    writer(engagement.parent / name, rows)
    before = engagement.read_bytes()
    result = _import(engagement, name, *extra)
    assert result.returncode == 1
    assert f"{name}: 1 problem; nothing was imported" in result.stderr
    assert f"{name}{message}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and engagement.read_bytes() == before


@pytest.mark.parametrize("third", ["{[1]: 2}", "{{1}: 2}", "{" + "(" * 100_000, "{'ImportId': 'QID1'"])
def test_a_third_row_that_only_looks_like_importids_is_not_qualtrics(tmp_path: Path, third: str) -> None:
    """Row 3 is read as Python literals (2016 format): nothing else in it may crash detection."""
    path = tmp_path / "x.csv"
    path.write_bytes(se._csv([["a", "b"], ["c", "d"], [third, "e"]]).encode("utf-8"))
    with pytest.raises(EditError, match=r"x\.csv:1: cannot tell which survey tool wrote this file"):
        detect(read_table(path), Options())


def test_a_legacy_qualtrics_matrix_row_names_its_goal(tmp_path: Path) -> None:
    """Legacy and 2016 exports join a matrix row to its question with a bare '-' ("Question-Row")."""
    own = se.head("qualtrics-legacy-sample.head.csv").decode("utf-8-sig").splitlines()
    names = [*own[0].split(",")[:10], "Q1", "Q2_1", "Q2_2"]
    question = "How has Dana's co-operation changed?"  # a '-' of its own: the row is after the last
    texts = [
        *own[1].split(",")[:10],
        se.RELATION,
        f"{question}-{se.GOALS['G1']}",
        f"{question}-{se.GOALS['G3']}",
    ]
    meta = ["R_1", "Default Response Set", "Anonymous", "", "", "203.0.113.1", "0", "", "", "1"]
    rows = [names, texts, [*meta, "Peer", "+2", "-1"], [*meta, "Manager", "0", "+3"]]
    path = tmp_path / "legacy.csv"
    path.write_bytes(codecs.BOM_UTF8 + se._csv(rows).encode("utf-8"))
    imported = read_export(path, se.GOALS, Options())
    assert imported.layout == "Qualtrics" and imported.raters == 2
    assert {r.goal: r.groups for r in imported.results} == {
        "G1": {"peers": [2], "manager": [0]},
        "G3": {"peers": [-1], "manager": [3]},
    }


# --- a 360's self-assessment ------------------------------------------------------------------


def test_the_clients_own_rating_is_skipped_and_said_so(engagement: Path) -> None:
    """A 360 asks the client too ("Self"): not a stakeholder group, so the row is left out
    (and the output names it), and the other raters import as ever."""
    rows = se.google_rows()
    own = list(rows[1])
    own[2] = "Self"
    own[3:6] = ["+3 Much better"] * 3
    rows.insert(2, own)
    (engagement.parent / "google.csv").write_bytes(se._csv(rows).encode("utf-8"))
    result = _import(engagement, "google.csv")
    assert result.returncode == 0, result.stderr
    assert "google.csv: Google Forms export (utf-8), 6 rater(s) read" in result.stdout
    assert (
        "skipped row 3: the client's own rating ('Self'): a self-assessment, not a stakeholder's,"
        " is not imported" in result.stdout
    )
    survey = load_engagement(engagement).stages.achievement.surveys[-1]
    assert {r.goal: r.groups for r in survey.results} == se.expected()[0]


def test_a_self_assessment_in_a_long_table_in_german_is_skipped(engagement: Path) -> None:
    text = "goal,group,rating\nG1,Vorgesetzte,2\nG1,Selbsteinschätzung,3\nG1,Kollegen,1\n"
    (engagement.parent / "long.csv").write_text(text, encoding="utf-8")
    result = _import(engagement, "long.csv")
    assert result.returncode == 0, result.stderr
    assert "skipped row 3: the client's own rating ('Selbsteinschätzung')" in result.stdout
    survey = load_engagement(engagement).stages.achievement.surveys[-1]
    assert {r.goal: r.groups for r in survey.results} == {"G1": {"manager": [2], "peers": [1]}}
