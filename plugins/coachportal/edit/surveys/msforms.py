"""Microsoft Forms: "Open in Excel" (.xlsx) and that sheet saved as CSV by Excel.

The first columns are the tool's own (``ID, Start time, Completion time, Email, Name``,
in newer forms ``Last modified time``; quizzes add ``Total points`` and per-question
``Points - ...`` / ``Feedback - ...`` columns); every other column is one question, a
Likert question one column per statement.
"""

from __future__ import annotations

from .sheet import ANSWER, META, Column, Sheet, header_cells
from .table import Table
from .vocabulary import (
    MSFORMS_COMPLETION,
    MSFORMS_META,
    MSFORMS_META_PREFIXES,
    MSFORMS_START,
    is_one_of,
    normalise,
)

NAME = "Microsoft Forms"


def matches(table: Table) -> bool:
    first = header_cells(table, 0)
    return (
        len(first) >= 3
        and normalise(first[0]) == "id"
        and any(is_one_of(h, MSFORMS_START) for h in first[1:4])
        and any(is_one_of(h, MSFORMS_COMPLETION) for h in first[1:4])
    )


def _meta(heading: str) -> bool:
    key = normalise(heading)
    return is_one_of(heading, MSFORMS_META) or any(key.startswith(p) for p in MSFORMS_META_PREFIXES)


def header_rows(table: Table) -> int:
    """The column headings only."""
    return 1


def sheet(table: Table) -> Sheet:
    columns = [
        Column(index, heading, (heading,), META if _meta(heading) else ANSWER)
        for index, heading in enumerate(header_cells(table, 0))
    ]
    return Sheet(NAME, table, table.rows[0].number, columns, table.rows[header_rows(table) :])
