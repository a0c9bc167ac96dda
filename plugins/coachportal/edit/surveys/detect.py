"""Which tool wrote an export, from its header rows alone (``--format`` forces one)."""

from __future__ import annotations

from ..errors import EditError
from . import google, long, msforms, qualtrics, surveymonkey
from .result import Imported, Options
from .table import Table, read_table, refuse_nuls
from .wide import read_wide

WIDE = {"qualtrics": qualtrics, "surveymonkey": surveymonkey, "msforms": msforms, "google": google}
FORMATS = (*WIDE, "long")


def detect(table: Table, options: Options) -> str:
    if not table.rows:
        raise EditError(f"{table.path}: the file is empty (expected a header row, then one row per rater)")
    for name, module in WIDE.items():  # the most specific headers first
        if module.matches(table):
            return name
    if long.matches(table, options.columns or long.parse_columns(None)):
        return "long"
    first = ", ".join(repr(c) for c in table.rows[0].cells[:6])
    raise EditError(
        f"{table.path}:{table.rows[0].number}: cannot tell which survey tool wrote this file "
        f"(it begins {first}); "
        f"name it with --format {{{','.join(FORMATS)}}}, or map a long table with --columns"
    )


def read_export(path, goals: dict[str, str], options: Options) -> Imported:  # type: ignore[no-untyped-def]
    """The survey round in ``path``; EditError naming every problem (and nothing imported)."""
    table = read_table(path, options.delimiter)
    layout = options.layout or detect(table, options)
    headers = (long if layout == "long" else WIDE[layout]).header_rows(table)
    refuse_nuls(table, headers)
    if layout == "long":
        return long.read_long(table, goals, options)
    module = WIDE[layout]
    if len(table.rows) < headers:
        raise EditError(
            f"{path}: a {module.NAME} export has {headers} header rows; "
            f"this file has {len(table.rows)} row(s)"
        )
    return read_wide(module.sheet(table), goals, options)
