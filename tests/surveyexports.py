"""Survey exports written as the tools write them, from one set of answers.

Each writer lays the same raters out in its tool's format, byte for byte: Google Forms'
response CSV (UTF-8, no BOM, CRLF, ``Timestamp`` first, grid rows as ``Question [Row]``),
Microsoft Forms' workbook and Excel's "CSV (Comma delimited)" of it (Windows-1252,
CRLF), Qualtrics' CSV (UTF-8 with BOM, three header rows, ImportId JSON) and TSV
(UTF-16 LE with BOM), SurveyMonkey's CSV and workbook (two header rows); and, under
header rows copied from real exports (fixtures/surveys), Qualtrics' legacy and 2016
formats and SurveyMonkey's older CSV.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

GOALS = {
    "G1": "Hand regional rollout decisions to directors and hold them accountable",
    "G2": "Let others finish and summarise their view before responding",
    "G3": "Bring finance into rollout planning from the first draft",
}
SCALE_TEXT = {
    -3: "Much worse", -2: "Worse", -1: "Somewhat worse", 0: "No change",
    1: "Somewhat better", 2: "Better", 3: "Much better",
}  # fmt: skip


@dataclass(frozen=True)
class Rater:
    label: str  # as the rater picked it
    group: str  # what the portal stores
    ratings: dict[str, int | None]  # None: the question was skipped
    comment: str  # on G2; "" for none


# The traps: doubled quotes and a comma, a newline, a leading '=', non-ASCII, a blank
# rating, singular labels and a synonym, a negative rating.
RATERS = (
    Rater("Manager", "manager", {"G1": 2, "G2": 1, "G3": 0}, 'He said "thanks, that helps" and meant it'),
    Rater("Direct report", "direct-reports", {"G1": 3, "G2": None, "G3": 1}, "Asks first,\nthen decides"),
    Rater("Direct report", "direct-reports", {"G1": 1, "G2": -1, "G3": 1}, ""),
    Rater("Team member", "direct-reports", {"G1": 2, "G2": 0, "G3": 2}, "=still interrupts sometimes"),
    Rater("Peer", "peers", {"G1": 1, "G2": 2, "G3": None}, "Käthe findet: schön – endlich"),
    Rater("Colleague", "peers", {"G1": 0, "G2": 1, "G3": -2}, ""),
)
QUESTION = "Compared with three months ago, how has Dana changed, if at all?"
RELATION = "Your working relationship with Dana"
COMMENT = "Comments on listening (G2)"
GENERAL = "Anything else you would like to tell Dana?"


def expected() -> tuple[dict[str, dict[str, list[int]]], list[dict[str, str]]]:
    """What the engagement file must hold: ratings per goal and group, in rater order; G2's comments."""
    groups: dict[str, dict[str, list[int]]] = {g: {} for g in GOALS}
    for rater in RATERS:
        for goal, value in rater.ratings.items():
            if value is not None:
                groups[goal].setdefault(rater.group, []).append(value)
    comments = [{"group": r.group, "text": r.comment} for r in RATERS if r.comment]
    return groups, comments


def _csv(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _signed(value: int | None, form: str) -> str:
    if value is None:
        return ""
    return form.format(n=f"{value:+d}" if value else "0", word=SCALE_TEXT[value], bare=value)


# --- Google Forms ---------------------------------------------------------------------------


def google_rows() -> list[list[str]]:
    head = ["Timestamp", "Email Address", RELATION]
    head += [f"{QUESTION} [{text}]" for text in GOALS.values()] + [COMMENT, GENERAL]
    rows = [head]
    for minute, r in enumerate(RATERS):
        answers = [_signed(r.ratings[g], "{n} {word}") for g in GOALS]
        rows.append(
            [f"2026/09/0{3 + minute % 2} 9:{15 + minute}:02 AM GMT+2", "", r.label, *answers, r.comment, ""]
        )
    rows[-1][-1] = "Thank you for asking us"
    return rows


def google_csv(path: Path) -> Path:
    path.write_bytes(_csv(google_rows()).encode("utf-8"))
    return path


# --- Microsoft Forms ------------------------------------------------------------------------


def msforms_rows() -> list[list[str | int | float]]:
    head: list[str | int | float] = [
        "ID",
        "Start time",
        "Completion time",
        "Email",
        "Name",
        "Last modified time",
    ]
    head += [RELATION] + [f"{text} (G{i})" for i, text in enumerate(GOALS.values(), start=1)] + [COMMENT]
    rows = [head]
    for number, r in enumerate(RATERS, start=1):
        answers = [SCALE_TEXT[v] if (v := r.ratings[g]) is not None else "" for g in GOALS]
        serial = 46268.39 + number / 100  # Excel date serials in Sept 2026
        rows.append([number, serial, serial + 0.003, "anonymous", "", "", r.label, *answers, r.comment])
    return rows


def msforms_xlsx(path: Path) -> Path:
    return write_xlsx(path, msforms_rows(), "Sheet1")


def msforms_excel_csv(path: Path) -> Path:
    """The sheet saved by Excel as "CSV (Comma delimited)": Windows-1252, dates as Excel shows them."""
    rows = [[_excel_shown(v) for v in row] for row in msforms_rows()]
    path.write_bytes(_csv(rows).encode("cp1252"))
    return path


def _excel_shown(value: str | int | float) -> str:
    if isinstance(value, float):
        return f"9/{int(value) - 46265}/26 9:{int(value * 1000) % 60:02d}"
    return str(value)


# --- Qualtrics ------------------------------------------------------------------------------

_QUALTRICS_META = [
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Europe/Berlin"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Europe/Berlin"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"Europe/Berlin"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
]


def qualtrics_rows(numeric: bool = False) -> list[list[str]]:
    names = [m[0] for m in _QUALTRICS_META] + ["Q1"] + [f"Q2_{i}" for i in range(1, 4)] + ["Q3", "Q4"]
    texts = [m[1] for m in _QUALTRICS_META] + [RELATION]
    texts += [f"{QUESTION} - {text}" for text in GOALS.values()] + [COMMENT, GENERAL]
    ids = [m[2] for m in _QUALTRICS_META] + ['{"ImportId":"QID1"}']
    ids += [f'{{"ImportId":"QID2_{i}"}}' for i in range(1, 4)] + [
        '{"ImportId":"QID3_TEXT"}',
        '{"ImportId":"QID4_TEXT"}',
    ]
    rows = [names, texts, ids]
    preview = ["2026-09-02 17:00:00", "2026-09-02 17:01:00", "Survey Preview", "100", "60", "True"]
    preview += ["2026-09-02 17:01:00", "R_1preview00000", "EN", "Peer", "Much worse (-3)", "", "", "", ""]
    rows.append(preview)
    for i, r in enumerate(RATERS):
        form = "{bare}" if numeric else "{word} ({n})"
        answers = [_signed(r.ratings[g], form) for g in GOALS]
        meta = [
            f"2026-09-03 09:{10 + i}:00",
            f"2026-09-03 09:{14 + i}:31",
            "IP Address",
            "100",
            "271",
            "True",
        ]
        meta += [f"2026-09-03 09:{14 + i}:31", f"R_3kq8Zx{i}VbN2mT", "EN"]
        rows.append([*meta, r.label, *answers, r.comment, ""])
    return rows


def qualtrics_csv(path: Path, numeric: bool = False) -> Path:
    path.write_bytes(codecs.BOM_UTF8 + _csv(qualtrics_rows(numeric)).encode("utf-8"))
    return path


def qualtrics_tsv(path: Path) -> Path:
    path.write_bytes(codecs.BOM_UTF16_LE + _csv(qualtrics_rows(), "\t").encode("utf-16-le"))
    return path


# --- SurveyMonkey ---------------------------------------------------------------------------

_MONKEY_META = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address"]
_MONKEY_META += ["First Name", "Last Name", "Custom Data 1"]


def surveymonkey_rows() -> list[list[str]]:
    first = [*_MONKEY_META, RELATION, QUESTION, "", "", COMMENT]
    second = [""] * len(_MONKEY_META) + ["Response", *GOALS.values(), "Open-Ended Response"]
    rows = [first, second]
    for i, r in enumerate(RATERS):
        meta = [
            f"1148{i}0927{i}1",
            "431250977",
            f"09/03/2026 09:{10 + i}:02 AM",
            f"09/03/2026 09:{14 + i}:40 AM",
        ]
        meta += [f"203.0.113.{10 + i}", "", "", "", ""]
        answers = [_signed(r.ratings[g], "{n} - {word}") for g in GOALS]
        rows.append([*meta, r.label, *answers, r.comment])
    return rows


def surveymonkey_csv(path: Path) -> Path:
    path.write_bytes(_csv(surveymonkey_rows()).encode("utf-8"))
    return path


def surveymonkey_xlsx(path: Path) -> Path:
    return write_xlsx(path, surveymonkey_rows(), "Sheet")


# --- older formats, under header rows copied from real exports (fixtures/surveys/README.md) ---

HEADS = Path(__file__).resolve().parent / "fixtures" / "surveys"


def head(name: str) -> bytes:
    """The header rows of a real export, byte for byte."""
    return (HEADS / name).read_bytes()


# Both heads are QualtricsTools' "Single Answer MC Questions" survey: Q2 holds the rater
# group, Q4, Q3, Q5 the ratings (numeric, 1..7), mc_question_five_TEXT the comment.
QUALTRICS_OLD_MAP = ["--scale", "1..7", "--map", "Q4=G1", "--map", "Q3=G2", "--map", "Q5=G3"]
QUALTRICS_OLD_MAP += ["--map", "mc_question_five_TEXT=G2"]


def qualtrics_old_rows(legacy: bool) -> list[list[str]]:
    """Rows under either head: legacy V1-V10 (ends in an empty column), or the 2016 columns."""
    rows = []
    for i, r in enumerate([Rater("Peer", "peers", {g: -3 for g in GOALS}, ""), *RATERS]):
        status = "1" if i == 0 else "0"  # the first is a survey preview
        start, end = f"2026-09-03 09:{10 + i}:00", f"2026-09-03 09:{14 + i}:31"
        if legacy:
            meta = [f"R_3kq8Zx{i}VbN2mT", "Default Response Set", "Anonymous", "", "", f"203.0.113.{i}"]
            meta += [status, start, end, "1"]
        else:
            meta = [f"R_3kq8Zx{i}VbN2mT", "Default Response Set", f"203.0.113.{i}", start, end, "", "", ""]
            meta += ["", "1", status]
        answers = ["" if (v := r.ratings[g]) is None else str(v + 4) for g in GOALS]
        location = ["52.52", "13.40", "-1"]
        rows.append([*meta, r.label, *answers, "", r.comment, *location, *([""] if legacy else [])])
    return rows


def qualtrics_legacy_csv(path: Path, rows: list[list[str]] | None = None) -> Path:
    path.write_bytes(head("qualtrics-legacy.head.csv") + _csv_lf(rows or qualtrics_old_rows(True)))
    return path


def qualtrics_2016_csv(path: Path, rows: list[list[str]] | None = None) -> Path:
    path.write_bytes(head("qualtrics-2016.head.csv") + _csv_lf(rows or qualtrics_old_rows(False)))
    return path


def _csv_lf(rows: list[list[str]]) -> bytes:
    return _csv(rows).replace("\r\n", "\n").encode("utf-8")  # QualtricsTools' files end lines in LF


# SurveyMonkey's old export: its first nine columns, both header rows, are cut from the real
# file (names, and the row-2 cells of NUL bytes); the questions are ours, one with the U+00A0
# SurveyMonkey keeps from the question editor.
MONKEY_OLD_COLUMNS = 9
MONKEY_NBSP_GOAL = GOALS["G1"].replace(" directors", "\u00a0directors")


def surveymonkey_2017_prefixes() -> list[bytes]:
    """Each header row's first nine cells with their commas, as the real file has them."""
    lines = head("surveymonkey-2017.head.csv").split(b"\r\n")[:2]
    return [b",".join(line.split(b",")[:MONKEY_OLD_COLUMNS]) + b"," for line in lines]


def surveymonkey_2017_rows() -> list[list[str]]:
    rows = []
    for i, r in enumerate(RATERS):
        meta = [f"534355348{i}", "96864758", f"09/03/2026 09:{10 + i}:02", f"09/03/2026 09:{14 + i}:40"]
        meta += [f"203.0.113.{10 + i}", "", "", "", ""]
        answers = [_signed(r.ratings[g], "{n} - {word}") for g in GOALS]
        rows.append([*meta, r.label, *answers, r.comment])
    return rows


def surveymonkey_2017_csv(path: Path, rows: list[list[str]] | None = None) -> Path:
    first = [RELATION, QUESTION.replace(" Dana", "\u00a0Dana"), "", "", COMMENT]
    second = ["Response", MONKEY_NBSP_GOAL, GOALS["G2"], GOALS["G3"], "Open-Ended Response"]
    prefixes = surveymonkey_2017_prefixes()
    heads = [p + _csv([cells]).encode("utf-8") for p, cells in zip(prefixes, (first, second), strict=True)]
    path.write_bytes(b"".join(heads) + _csv(rows or surveymonkey_2017_rows()).encode("utf-8"))
    return path


# ruff: noqa: E501 (the package parts are one line each, as Excel writes them)
# --- a workbook as Excel stores one: shared strings, numbers as numbers -----------------------

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"""
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def write_xlsx(path: Path, rows: list[list[str]] | list[list[str | int | float]], sheet_name: str) -> Path:
    strings: list[str] = []
    index: dict[str, int] = {}
    lines = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row, start=1):
            ref = f"{get_column_letter(c)}{r}"
            if isinstance(value, int | float):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif value != "":  # Excel writes no cell for an empty answer
                number = index.setdefault(value, len(strings))
                if number == len(strings):
                    strings.append(value)
                cells.append(f'<c r="{ref}" t="s"><v>{number}</v></c>')
        lines.append(f'<row r="{r}">{"".join(cells)}</row>')
    sheet = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS}><sheetData>{"".join(lines)}</sheetData></worksheet>'
    shared = "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
    shared_xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst {_NS} count="{len(strings)}" uniqueCount="{len(strings)}">{shared}</sst>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK.format(name=sheet_name))
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/sharedStrings.xml", shared_xml)
    return path
