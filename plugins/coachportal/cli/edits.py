"""The weekly edit commands: `action`, `goal`, `session`, `correction`, `followup`, `stage`.

Each one changes only what it names, keeps the file's comments and layout, validates the
result and refuses what contradicts the file or the calendar (edit/operations.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..edit.operations import (
    KINDS,
    MODES,
    REPEATS,
    STAGE_NAMES,
    STATUSES,
    add_action,
    add_correction,
    add_goal,
    add_session,
    apply,
    parse_date,
    record_follow_up,
    set_stage,
    update_action,
)
from .errors import CliError


def edited(args: argparse.Namespace, edit: Callable[[Any], Any]) -> int:
    """Apply ``edit`` to ``args.file`` and say what changed (the one place edits are run)."""
    path, dry_run = Path(args.file), getattr(args, "dry_run", False)  # only `survey import` has --dry-run
    change = apply(path, edit, write=not dry_run)
    if dry_run:
        print(change.summary + "\n(dry run: nothing was written)")
    else:
        print(f"{path}: {change.summary}")
    return 0


def _date(text: str | None) -> dt.date | None:
    return parse_date(text) if text else None


def _command(commands: Any, name: str, help: str, example: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=help, description=help, epilog="example:\n  " + example,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("file", metavar="FILE", help="the engagement file")
    return parser


# --- action ---------------------------------------------------------------------------------------


def _action_update(args: argparse.Namespace) -> int:
    if args.status is None and args.report is None:
        raise CliError("nothing to change: give --status and/or --report")
    return edited(args, update_action(args.action_id, args.status, _date(args.on), args.report, args.reason))


def _action_add(args: argparse.Namespace) -> int:
    if args.due is None and args.repeat is None:
        raise CliError("give --due DATE or --repeat (weekly, monthly, quarterly)")
    edit = add_action(args.title, args.goal, args.kind, _date(args.due), args.repeat, args.id)
    return edited(args, edit)


# `coachportal action FILE ID ...` (the form the README has always shown) is `action update`.
ACTION_SUBCOMMANDS = ("add", "update")


def _register_action(commands: Any) -> None:
    action = commands.add_parser(
        "action", help="add an action item, or update one's status or add a report",
        description="coachportal action add FILE ...  |  coachportal action [update] FILE ACTION_ID ...",
    )  # fmt: skip
    sub = action.add_subparsers(dest="action_command", required=True, metavar="add|update")
    add = _command(
        sub, "add", "append an item to the action checklist",
        'coachportal action add engagements/nw.yml --goal G2 --kind new-behavior '
        '--title "Summarise before responding in staff meetings" --due 2026-07-31',
    )  # fmt: skip
    add.add_argument("--title", required=True, metavar="TEXT", help="what the client will do")
    add.add_argument("--goal", required=True, metavar="GOAL_ID", help="the plan goal it serves")
    add.add_argument("--kind", required=True, choices=KINDS)
    add.add_argument("--due", metavar="DATE", help="the due date (or --repeat)")
    add.add_argument("--repeat", choices=REPEATS, help="a habit instead of a due date")
    add.add_argument("--id", metavar="ID", help="the item's id (default: the next A<n>)")
    add.set_defaults(run=_action_add)
    update = _command(
        sub, "update", "update an action item's status or add a progress report",
        "coachportal action engagements/nw.yml A2 --status done --on 2026-06-19",
    )  # fmt: skip
    update.add_argument("action_id", metavar="ACTION_ID")
    update.add_argument("--status", choices=STATUSES)
    update.add_argument("--on", metavar="DATE", help="the date of done_on and of the report (default: today)")
    update.add_argument("--report", metavar="TEXT", help="append a progress report")
    update.add_argument("--reason", metavar="TEXT", help="why the item was dropped")
    update.set_defaults(run=_action_update)


# --- the others -----------------------------------------------------------------------------------


def _register_goal(commands: Any) -> None:
    goal = commands.add_parser("goal", help="add a goal to the development plan")
    sub = goal.add_subparsers(dest="goal_command", required=True, metavar="add")
    add = _command(
        sub, "add", "append a goal to the development plan (stages.analysis.plan.goals)",
        'coachportal goal add engagements/nw.yml --competency listening '
        '--goal "Let others finish before responding" --measure "Survey +1 or better" --target 2026-09-30',
    )  # fmt: skip
    add.add_argument("--goal", required=True, metavar="TEXT", help="the goal, as a behaviour others see")
    add.add_argument("--competency", required=True, metavar="ID", help="a competency id of the file")
    add.add_argument("--measure", action="append", default=[], metavar="TEXT", help="a measure (repeat)")
    add.add_argument("--target", metavar="DATE")
    add.add_argument("--id", metavar="ID", help="the goal's id (default: the next G<n>)")
    add.set_defaults(
        run=lambda a: edited(a, add_goal(a.goal, a.competency, list(a.measure), _date(a.target), a.id))
    )


def _register_session(commands: Any) -> None:
    session = _command(
        commands, "session", "add a coaching session to the log",
        "coachportal session engagements/nw.yml --date 2026-06-18 --mode video --minutes 60 "
        '--topic "Survey debrief"',
    )  # fmt: skip
    session.add_argument("--date", required=True, metavar="DATE")
    session.add_argument("--mode", required=True, choices=MODES)
    session.add_argument("--minutes", required=True, type=int)
    session.add_argument("--topic", action="append", default=[], metavar="TEXT", help="a topic (repeat)")
    session.add_argument("--note", metavar="TEXT", help="a coach-only note")
    session.set_defaults(
        run=lambda a: edited(a, add_session(parse_date(a.date), a.mode, a.minutes, list(a.topic), a.note))
    )


def _register_correction(commands: Any) -> None:
    correction = commands.add_parser("correction", help="record a course correction of the plan")
    sub = correction.add_subparsers(dest="correction_command", required=True, metavar="add")
    add = _command(
        sub, "add", "append a course correction (stages.achievement.course_corrections)",
        'coachportal correction add engagements/nw.yml --date 2026-06-18 '
        '--change "Added A5 to gather feedforward" --reason "G2 ratings were flat"',
    )  # fmt: skip
    add.add_argument("--date", required=True, metavar="DATE")
    add.add_argument("--change", required=True, metavar="TEXT", help="what changed in the plan")
    add.add_argument("--reason", metavar="TEXT", help="why")
    add.set_defaults(run=lambda a: edited(a, add_correction(parse_date(a.date), a.change, a.reason)))


def _register_followup(commands: Any) -> None:
    followup = _command(
        commands, "followup", "record the formal follow-up (stages.achievement.follow_up)",
        'coachportal followup engagements/nw.yml --date 2026-11-20 --feedback "Directors run the review" '
        '--accomplishment "Directors own regional decisions"',
    )  # fmt: skip
    followup.add_argument("--date", required=True, metavar="DATE")
    followup.add_argument("--feedback", metavar="TEXT", help="feedback gathered (client-level)")
    followup.add_argument(
        "--accomplishment", action="append", default=[], metavar="TEXT", help="what was accomplished (repeat)"
    )
    followup.set_defaults(
        run=lambda a: edited(a, record_follow_up(parse_date(a.date), a.feedback, list(a.accomplishment)))
    )


def _register_stage(commands: Any) -> None:
    stage = _command(
        commands, "stage", "move the engagement to another stage",
        'coachportal stage engagements/nw.yml analysis --reason "The plan needs a new goal"',
    )  # fmt: skip
    stage.add_argument("stage", choices=STAGE_NAMES)
    stage.add_argument("--reason", metavar="TEXT", help="why it moves back (kept as a course correction)")
    stage.set_defaults(run=lambda a: edited(a, set_stage(a.stage, a.reason)))


def register(commands: Any) -> None:
    for add in (
        _register_action, _register_goal, _register_session, _register_correction, _register_followup,
        _register_stage,
    ):  # fmt: skip
        add(commands)
