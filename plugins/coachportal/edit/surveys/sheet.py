"""What every export layout is turned into: answer columns (with what names them) and data rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from .table import Row, Table

META, TEXT, ANSWER = "meta", "text", ""


@dataclass(frozen=True)
class Column:
    index: int  # 0-based; messages show index + 1
    heading: str  # as the export shows it, for messages and --map
    texts: tuple[str, ...]  # what may name a goal, most specific first (a grid row, then its question)
    kind: str = ANSWER  # META: the tool's own data; TEXT: free text; ANSWER: decided by the answers


@dataclass
class Sheet:
    layout: str  # the tool's name, for the report
    table: Table
    header_row: int  # the row number messages give for a column's heading
    columns: list[Column]
    rows: list[Row]
    skipped: dict[int, str] = field(default_factory=dict)  # row number -> why the tool's row is not a rater


def header_cells(table: Table, index: int) -> list[str]:
    """Header row ``index``; a cell of NUL bytes only (SurveyMonkey's empty sub-heading) is empty."""
    cells = table.rows[index].cells if index < len(table.rows) else []
    return ["" if cell and not cell.strip("\x00") else cell for cell in cells]
