"""Qualtrics: CSV (UTF-8) or TSV (UTF-16) in the current format, the 2016 one, or the legacy one.

Current: row 1 holds the export's column names (``StartDate, ..., ResponseId, ..., Q1,
Q2_1``), row 2 the question text (a matrix row as ``Question - Row``), row 3 one JSON
object per column (``{"ImportId":"QID2_1"}``; metadata columns have other ImportIds,
text entry ends in ``_TEXT``). The 2016 format is the same with ``Question-Row`` and a
Python dict in row 3 (``{'ImportId': 'QID2-1'}``, text entry ``-TEXT``). The legacy
format ("Use legacy export format") has two header rows: ``V1 ... V10, Q1, ...`` (its
own columns as V1-V10 and Location*), then the question text. Responses recorded in
preview or test mode are not raters.
"""

from __future__ import annotations

import ast
import json
import re

from .sheet import ANSWER, META, TEXT, Column, Sheet, header_cells
from .table import Table
from .vocabulary import normalise

NAME = "Qualtrics"
NOT_RATERS = {
    "survey preview": "a survey preview",
    "survey test": "a survey test",
    "spam": "marked as spam",
    "preview spam": "marked as spam",
    "1": "a survey preview",
    "2": "a survey test",
    "8": "marked as spam",
    "9": "marked as spam",
}
# the legacy format's own columns, and the unnamed one its trailing comma makes
_LEGACY_META = re.compile(r"V\d+|Location\w*|")


def _import_id(cell: str) -> tuple[str, bool] | None:
    """Row 3's ImportId, and True when it is JSON (current format), not a Python dict (2016)."""
    if not cell.lstrip().startswith("{"):
        return None
    try:
        value, is_json = json.loads(cell), True
    except ValueError:
        try:
            value, is_json = ast.literal_eval(cell), False  # literals only: nothing in the file is run
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):  # {[1]: 2}: TypeError
            return None
    return (str(value.get("ImportId", "")), is_json) if isinstance(value, dict) else None


def _legacy(table: Table) -> bool:
    first, second = header_cells(table, 0), header_cells(table, 1)
    return first[:3] == ["V1", "V2", "V3"] and bool(second) and normalise(second[0]) == "responseid"


def header_rows(table: Table) -> int:
    """Column names and question texts; the current and the 2016 format add the ImportIds."""
    return 2 if _legacy(table) else 3


def matches(table: Table) -> bool:
    third = header_cells(table, 2)
    return _legacy(table) or any(_import_id(cell) is not None for cell in third[:3])


def _kind(name: str, import_id: str | None) -> str:
    if import_id is None:  # legacy: no ImportIds, its own columns by name
        own = _LEGACY_META.fullmatch(name)
        return META if own else TEXT if name.endswith("_TEXT") else ANSWER
    if not import_id.startswith("QID"):
        return META
    return TEXT if import_id.endswith(("_TEXT", "-TEXT")) else ANSWER


def sheet(table: Table) -> Sheet:
    legacy = _legacy(table)
    names, texts = header_cells(table, 0), header_cells(table, 1)
    ids = [] if legacy else [_import_id(cell) for cell in header_cells(table, 2)]
    joint = " - " if any(i and i[1] for i in ids) else "-"  # 2016 and legacy: Question-Row
    columns = []
    status = None
    for index, name in enumerate(names):
        text = texts[index] if index < len(texts) else name
        found = ids[index] if index < len(ids) else None
        import_id = None if legacy else found[0] if found else ""
        if import_id == "status" or (legacy and text == "Status"):
            status = index
        question, _dash, row_label = text.rpartition(joint)
        choices = (row_label, question, text) if question else (text,)
        columns.append(Column(index, text or name, (*choices, name), _kind(name, import_id)))
    rows = table.rows[header_rows(table) :]
    skipped = {}
    if status is not None:
        for row in rows:
            why = NOT_RATERS.get(normalise(row.cell(status)))
            if why:
                skipped[row.number] = f"{why} (Status {row.cell(status)!r})"
    return Sheet(NAME, table, table.rows[1].number, columns, rows, skipped)
