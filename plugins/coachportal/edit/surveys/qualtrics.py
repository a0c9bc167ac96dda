"""Qualtrics: CSV (UTF-8) or TSV (UTF-16) with three header rows.

Row 1 holds the export's column names (``StartDate, ..., ResponseId, ..., Q1, Q2_1``),
row 2 the question text (a matrix row as ``Question - Row``), row 3 one JSON object per
column (``{"ImportId":"QID2_1"}``; metadata columns have other ImportIds, text entry
ends in ``_TEXT``). Responses recorded in preview or test mode are not raters.
"""

from __future__ import annotations

import json

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


def _import_id(cell: str) -> str | None:
    if not cell.lstrip().startswith("{"):
        return None
    try:
        value = json.loads(cell)
    except ValueError:
        return None
    return str(value.get("ImportId", "")) if isinstance(value, dict) else None


def matches(table: Table) -> bool:
    third = header_cells(table, 2)
    return any(_import_id(cell) is not None for cell in third[:3])


def sheet(table: Table) -> Sheet:
    names, texts, ids = (header_cells(table, i) for i in range(3))
    columns = []
    status = None
    for index, name in enumerate(names):
        text = texts[index] if index < len(texts) else name
        import_id = _import_id(ids[index]) if index < len(ids) else None
        import_id = import_id or ""
        if import_id == "status":
            status = index
        question, _dash, row_label = text.rpartition(" - ")
        choices = (row_label, question) if question else (text,)
        if not import_id.startswith("QID"):
            kind = META
        elif import_id.endswith("_TEXT"):
            kind = TEXT
        else:
            kind = ANSWER
        columns.append(Column(index, text or name, (*choices, name), kind))
    rows = table.rows[3:]
    skipped = {}
    if status is not None:
        for row in rows:
            why = NOT_RATERS.get(normalise(row.cell(status)))
            if why:
                skipped[row.number] = f"{why} (Status {row.cell(status)!r})"
    return Sheet(NAME, table, table.rows[1].number, columns, rows, skipped)
