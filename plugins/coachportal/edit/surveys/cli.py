"""The options of `coachportal survey`."""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import EditError
from .detect import FORMATS
from .long import parse_columns
from .result import Options
from .table import DELIMITERS
from .vocabulary import normalise

EXAMPLE = """\
examples:
  coachportal survey engagements/nw.yml responses.csv --round 2 --sent 2026-09-01 --closed 2026-09-12
  coachportal survey nw.yml results.xlsx --round 2 --sent 2026-09-01 --map "How is she doing on finance?=G3"
  coachportal survey nw.yml export.tsv --round 2 --sent 2026-09-01 --dry-run

The layout (Google Forms, Microsoft Forms, Qualtrics, SurveyMonkey, or a long
goal,group,rating table) is recognised from the headers; --format forces one.
"""


def add_survey_arguments(commands: Any) -> argparse.ArgumentParser:
    survey: argparse.ArgumentParser = commands.add_parser(
        "survey",
        help="import a mini-survey round from a survey tool's export (CSV, TSV or .xlsx)",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    survey.add_argument("file", metavar="FILE")
    survey.add_argument("results", metavar="EXPORT")
    survey.add_argument("--round", required=True, type=int)
    survey.add_argument("--sent", required=True, metavar="DATE")
    survey.add_argument("--closed", metavar="DATE")
    survey.add_argument(
        "--format", choices=FORMATS, help="the tool that wrote EXPORT (default: from its headers)"
    )
    survey.add_argument(
        "--map", action="append", default=[], metavar="HEADING=GOAL",
        help="the goal a column is about (repeat; 'HEADING=' leaves the column out)",
    )  # fmt: skip
    survey.add_argument("--group-column", metavar="HEADING", help="the column of rater groups")
    survey.add_argument(
        "--scale", choices=("-3..3", "1..7"), default="-3..3",
        help="what bare numbers mean: -3..+3 (default) or 1..7 with 4 = no change (Qualtrics numeric values)",
    )  # fmt: skip
    survey.add_argument(
        "--delimiter", choices=tuple(DELIMITERS), help="default: comma; tab for .tsv and UTF-16"
    )
    survey.add_argument(
        "--columns", metavar="MAP", help="long format: e.g. goal=Goal,group=Role,rating=Score,comment=Comment"
    )
    survey.add_argument("--dry-run", action="store_true", help="print what would be imported; write nothing")
    return survey


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
