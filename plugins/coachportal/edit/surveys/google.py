"""Google Forms: the CSV of the response sheet (``Timestamp`` first, grid rows as ``Question [Row]``)."""

from __future__ import annotations

import re

from .sheet import ANSWER, META, Column, Sheet, header_cells
from .table import Table
from .vocabulary import EMAIL_WORDS, TIMESTAMP_WORDS, is_one_of

NAME = "Google Forms"
_GRID = re.compile(r"^(.*\S)\s*\[([^\[\]]+)\]\s*$", re.S)


def matches(table: Table) -> bool:
    first = header_cells(table, 0)
    return bool(first) and is_one_of(first[0], TIMESTAMP_WORDS)


def header_rows(table: Table) -> int:
    """The column headings only."""
    return 1


def sheet(table: Table) -> Sheet:
    columns = []
    for index, heading in enumerate(header_cells(table, 0)):
        grid = _GRID.match(heading)
        texts = (grid.group(2), grid.group(1)) if grid else (heading,)
        meta = index == 0 or is_one_of(heading, EMAIL_WORDS)
        columns.append(Column(index, heading, texts, META if meta else ANSWER))
    return Sheet(NAME, table, table.rows[0].number, columns, table.rows[header_rows(table) :])
