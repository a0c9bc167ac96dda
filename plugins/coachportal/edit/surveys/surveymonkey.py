"""SurveyMonkey: "All individual responses" as CSV or .xlsx, with two header rows.

Row 1 names each question once (the columns after it that belong to the same question
are blank there); row 2 says what each column holds: ``Response``, ``Open-Ended
Response``, or a matrix row's label. The first columns (``Respondent ID, Collector ID,
Start Date, End Date, IP Address, Email Address, First Name, Last Name, Custom Data 1``;
in the old export ``RespondentID, CollectorID, StartDate, EndDate, ..., LastName, Custom
Data``, their row-2 cells written as NUL bytes) are SurveyMonkey's own.
"""

from __future__ import annotations

from .sheet import ANSWER, META, TEXT, Column, Sheet, header_cells
from .table import Table
from .vocabulary import SURVEYMONKEY_COLLECTOR, SURVEYMONKEY_META, SURVEYMONKEY_RESPONDENT, is_one_of

NAME = "SurveyMonkey"
OPEN = ("open-ended response", "other (please specify)", "other please specify")
PLAIN = ("response",)


def matches(table: Table) -> bool:
    first = header_cells(table, 0)
    return (
        len(first) >= 2
        and is_one_of(first[0], SURVEYMONKEY_RESPONDENT)
        and is_one_of(first[1], SURVEYMONKEY_COLLECTOR)
    )


def header_rows(table: Table) -> int:
    """The questions, then what each of their columns holds."""
    return 2


def sheet(table: Table) -> Sheet:
    questions, subs = header_cells(table, 0), header_cells(table, 1)
    columns = []
    question = ""
    for index in range(max(len(questions), len(subs))):
        heading = questions[index] if index < len(questions) else ""
        question = heading if heading.strip() else question
        sub = subs[index] if index < len(subs) else ""
        if is_one_of(question, SURVEYMONKEY_META):
            kind = META
        elif is_one_of(sub, OPEN):
            kind = TEXT
        else:
            kind = ANSWER
        label = sub if sub.strip() and not is_one_of(sub, PLAIN + OPEN) else ""
        shown = f"{question} [{label}]" if label else question
        texts = (label, question) if label else (question,)
        columns.append(Column(index, shown, texts, kind))
    return Sheet(NAME, table, table.rows[0].number, columns, table.rows[header_rows(table) :])
