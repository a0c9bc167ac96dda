"""`coachportal survey`: import a round from a survey tool's export; record its discussion."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..edit.errors import EditError
from ..edit.operations import add_survey, parse_date, survey_discussed
from ..edit.surveys import read_export
from ..edit.surveys.detect import FORMATS
from ..edit.surveys.long import parse_columns
from ..edit.surveys.result import Options
from ..edit.surveys.table import DELIMITERS
from ..edit.surveys.vocabulary import normalise
from .edits import edited

EXAMPLE = """\
examples:
  coachportal survey engagements/nw.yml responses.csv --round 2 --sent 2026-09-01 --closed 2026-09-12
  coachportal survey nw.yml results.xlsx --round 2 --sent 2026-09-01 --map "How is she doing on finance?=G3"
  coachportal survey nw.yml export.tsv --round 2 --sent 2026-09-01 --dry-run

The layout (Google Forms, Microsoft Forms, Qualtrics, SurveyMonkey, or a long
goal,group,rating table) is recognised from the headers; --format forces one.
"""

# `coachportal survey FILE EXPORT ...` (the form the README has always shown) is `survey import`.
SURVEY_SUBCOMMANDS = ("import", "discussed")


def register(commands: Any) -> None:
    survey = commands.add_parser(
        "survey", help="import a mini-survey round from a survey tool's export, or record its discussion",
        description="coachportal survey [import] FILE EXPORT ...  |  coachportal survey discussed FILE ...",
    )  # fmt: skip
    sub = survey.add_subparsers(dest="survey_command", required=True, metavar="import|discussed")
    imported: argparse.ArgumentParser = sub.add_parser(
        "import",
        help="import a round from a survey tool's export (CSV, TSV or .xlsx)",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    imported.add_argument("file", metavar="FILE")
    imported.add_argument("results", metavar="EXPORT")
    imported.add_argument("--round", required=True, type=int)
    imported.add_argument("--sent", required=True, metavar="DATE")
    imported.add_argument("--closed", metavar="DATE")
    imported.add_argument(
        "--format", choices=FORMATS, help="the tool that wrote EXPORT (default: from its headers)"
    )
    imported.add_argument(
        "--map", action="append", default=[], metavar="HEADING=GOAL",
        help="the goal a column is about (repeat; 'HEADING=' leaves the column out)",
    )  # fmt: skip
    imported.add_argument("--group-column", metavar="HEADING", help="the column of rater groups")
    imported.add_argument(
        "--scale", choices=("-3..3", "1..7"), default="-3..3",
        help="what bare numbers mean: -3..+3 (default) or 1..7 with 4 = no change (Qualtrics numeric values)",
    )  # fmt: skip
    imported.add_argument(
        "--delimiter", choices=tuple(DELIMITERS), help="default: comma; tab for .tsv and UTF-16"
    )
    imported.add_argument(
        "--columns", metavar="MAP", help="long format: e.g. goal=Goal,group=Role,rating=Score,comment=Comment"
    )
    imported.add_argument(
        "--dry-run", action="store_true", help="print what would be imported; write nothing"
    )
    imported.set_defaults(run=_import)
    discussed: argparse.ArgumentParser = sub.add_parser(
        "discussed",
        help="record the day a round's results were discussed with the client",
        epilog="example:\n  coachportal survey discussed engagements/nw.yml --round 1 --on 2026-06-18",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    discussed.add_argument("file", metavar="FILE")
    discussed.add_argument("--round", required=True, type=int)
    discussed.add_argument("--on", required=True, metavar="DATE")
    discussed.set_defaults(run=lambda a: edited(a, survey_discussed(a.round, parse_date(a.on))))


def _import(args: argparse.Namespace) -> int:
    options, export = options_from(args), Path(args.results)
    closed = parse_date(args.closed) if args.closed else None
    edit = add_survey(
        args.round, parse_date(args.sent), closed, lambda goals: read_export(export, goals, options)
    )
    return edited(args, edit)


def options_from(args: argparse.Namespace) -> Options:
    maps: dict[str, str] = {}
    for pair in args.map:
        heading, sep, goal = pair.rpartition("=")
        if not sep or not heading.strip():
            raise EditError(f"--map {pair!r}: expected HEADING=GOAL (e.g. --map 'Finance partnership=G3')")
        maps[normalise(heading)] = goal.strip()
    return Options(
        maps=maps,
        group_column=args.group_column,
        offset=4 if args.scale == "1..7" else 0,
        columns=parse_columns(args.columns),
        delimiter=DELIMITERS[args.delimiter] if args.delimiter else None,
        layout=args.format,
    )
