"""An export file as rows of text cells, each with the row number a spreadsheet or editor shows.

``.xlsx`` is read with openpyxl. Text is decoded by its byte-order mark (UTF-8,
UTF-16), else as UTF-8, else as cp1252 (Excel's "CSV (Comma delimited)" on Western
Windows), and parsed by the csv module in its standard dialect: comma (tab for .tsv
and for UTF-16 text, as Qualtrics and Excel's "Unicode Text" write them), ``"``
doubled inside quotes. The dialect is never guessed from the data. A NUL byte is
refused wherever it is, except as a header cell made only of NULs (how SurveyMonkey's
older export writes an empty sub-heading).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import EditError
from .result import Problems

XLSX_MAGIC = b"PK\x03\x04"
DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t"}


@dataclass(frozen=True)
class Row:
    number: int  # the first line of the record in a text file, the sheet row in a workbook
    cells: list[str]

    def cell(self, index: int) -> str:
        return self.cells[index] if index < len(self.cells) else ""


@dataclass(frozen=True)
class Table:
    path: Path
    rows: list[Row]
    encoding: str  # "xlsx" for a workbook


def read_table(path: Path, delimiter: str | None = None) -> Table:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise EditError(f"{path}: no such file") from None
    except OSError as exc:
        raise EditError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    if data.startswith(XLSX_MAGIC):
        return Table(path, _workbook_rows(path), "xlsx")
    text, encoding = decode(path, data)
    if delimiter is None:
        tabbed = path.suffix.lower() in (".tsv", ".tab") or encoding == "utf-16"
        delimiter = "\t" if tabbed else ","
    return Table(path, _text_rows(path, text, delimiter), encoding)


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """The text and the name of the encoding it was read with."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise EditError(f"{path}: not valid UTF-16 text at byte {exc.start}") from None
    try:
        text: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    # NULs and not UTF-8 (UTF-16 of non-Latin text has few NULs): no Windows-1252 export either
    if _looks_utf16(data[:4096]) or (text is None and b"\x00" in data[:4096]):
        raise EditError(f"{path}: looks like UTF-16 text without a byte-order mark; save it again as UTF-8")
    if text is not None:
        return text, "utf-8"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise EditError(
            f"{path}: not UTF-8, UTF-16 or Windows-1252 text (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); save it again as CSV UTF-8"
        ) from None


def _looks_utf16(sample: bytes) -> bool:
    """UTF-16 without a BOM: NULs in most of the odd or the even bytes (ASCII text in UTF-16).

    Not "any NUL": SurveyMonkey's older CSV export writes its empty sub-header cells as
    NUL bytes in an otherwise UTF-8 file.
    """
    pairs = len(sample) // 2
    return pairs > 0 and max(sample[0::2].count(0), sample[1::2].count(0)) * 2 > pairs


def refuse_nuls(table: Table, header_rows: int) -> None:
    """No NUL byte in an answer, none inside a heading's text (a cell of NULs only is an empty heading).

    A NUL is never dropped or read as blank in an answer: no tool writes one there.
    """
    problems = Problems(table.path)
    for position, row in enumerate(table.rows):
        for index, cell in enumerate(row.cells):
            answer = position >= header_rows
            if "\x00" in cell and (answer or cell.strip("\x00")):
                what = "an answer" if answer else "a heading"
                shown = repr(cell[:60]) + ("…" if len(cell) > 60 else "")
                problems.add(
                    row.number, index, None, f"{what} holds a NUL byte: {shown}; export the file again"
                )
    problems.raise_any()


def _text_rows(path: Path, text: str, delimiter: str) -> list[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), dialect="excel", delimiter=delimiter, strict=True)
    rows: list[Row] = []
    first = 1
    try:
        for cells in reader:
            if cells:
                rows.append(Row(first, cells))
            first = reader.line_num + 1
    except csv.Error as exc:
        raise EditError(f"{path}:{reader.line_num}: not readable as CSV ({exc})") from None
    return rows


def _workbook_rows(path: Path) -> list[Row]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise EditError(f"{path}: not a readable .xlsx workbook ({exc})") from None
    try:
        sheet = workbook.worksheets[0]  # the tools write their responses on the first sheet
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            while cells and cells[-1] == "":
                cells.pop()
            if cells:
                rows.append(Row(number, cells))
        return rows
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    """A workbook value as the text the tool wrote (a whole number without '.0')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)
