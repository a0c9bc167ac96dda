"""Round-trip edits of an engagement file: an action's status, a session, the stage, a survey.

Each edit loads the file with :func:`roundtrip.open_document`, changes only what it
names, checks that the lines it removes are the ones it meant to change (so every
comment survives), validates the result with the real loader and only then replaces
the file. Anything wrong leaves the file as it was and says why.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..core.clock import today
from ..core.errors import EngagementError
from ..core.models import ActionStatus, SessionMode, Stage
from ..core.suggest import suggestion
from ..load.loader import Loader, load_engagement
from .errors import EditError
from .frozen import refuse_frozen
from .roundtrip import Document, block_map, editing, flow_map, flow_seq, open_document, write_atomic
from .surveys import Imported

STATUSES: tuple[str, ...] = get_args(ActionStatus)
MODES: tuple[str, ...] = get_args(SessionMode)
STAGE_NAMES: tuple[str, ...] = get_args(Stage)


@dataclass
class Change:
    """What an edit did, and which existing lines it may rewrite (by their key)."""

    summary: str
    rewrites: set[str] = field(default_factory=set)


def apply(path: Path, edit: Callable[[Any], Change], write: bool = True) -> Change:
    """Run ``edit`` on the file's data, check and validate the result, write it atomically.

    With ``write=False`` (``--dry-run``) everything is checked and nothing is written.
    """
    with editing(path):  # another command on this file waits, then edits the new text
        document = open_document(path)
        if not isinstance(document.data, CommentedMap):
            raise EditError(
                f"{path}: expected a mapping of engagement fields; run `coachportal validate {path}`"
            )
        change = edit(document.data)
        text = document.dump()
        _only_intended_lines(document, text, change)
        _validate(text, path)  # before anything is written
        refuse_frozen(path, text)  # a survey round published as closed stays as published
        if write:  # else a dry run: checked, not written
            write_atomic(path, text)
    return change


def _only_intended_lines(document: Document, text: str, change: Change) -> None:
    """Refuse an edit that would remove or rewrite a line it does not concern (a comment, say)."""
    removed = [
        line[2:] for line in difflib.ndiff(document.text.splitlines(), text.splitlines()) if line[:2] == "- "
    ]
    for line in removed:
        key = line.strip().lstrip("- ").split(":", 1)[0].strip("{ ")
        # a one-line `{...}` item is rewritten as a whole when one of its keys changes
        in_flow = any(re.search(rf"[{{,]\s*{re.escape(k)}\s*:", line) for k in change.rewrites)
        if key not in change.rewrites and not in_flow:
            raise EditError(
                f"{document.path}: this edit would also rewrite the line {line.strip()!r}; "
                "the file is unchanged (make this change by hand)"
            )


def _validate(text: str, path: Path) -> None:
    """The edited ``text`` loads as ``path`` would; else say why, and whether it loaded before."""
    try:
        Loader(keep=False).load_text(path, text)
    except EngagementError as exc:
        try:
            load_engagement(path)
        except EngagementError as before:
            raise EditError(
                f"{path} is not valid as it is; fix these problems first (the file is unchanged):\n"
                + "\n".join(f"  {p}" for p in before.problems)
            ) from None
        raise EditError(
            f"{path}: the edit would make the file invalid, so it is unchanged:\n"
            + "\n".join(f"  {p}" for p in exc.problems)
        ) from None


# --- helpers --------------------------------------------------------------------------------------


def _block(parent: CommentedMap, key: str) -> CommentedMap:
    """``parent[key]`` as a mapping, created (block style) when missing or null."""
    value = parent.get(key)
    if value is None:
        value = block_map({})
        parent[key] = value
    if not isinstance(value, CommentedMap):
        raise EditError(f"'{key}' is not a mapping in this file; run `coachportal validate` on it")
    return value


def _list(parent: CommentedMap, key: str) -> CommentedSeq:
    """``parent[key]`` as a list, created when missing; an empty ``[]`` becomes a block list."""
    value = parent.get(key)
    if value is None:
        value = CommentedSeq()
        parent[key] = value
    if not isinstance(value, CommentedSeq):
        raise EditError(f"'{key}' is not a list in this file; run `coachportal validate` on it")
    if not value:
        value.fa.set_block_style()
    return value


def _item_like(siblings: CommentedSeq, pairs: dict[str, Any]) -> CommentedMap:
    """A new list item in the style of its siblings (one-line ``{...}`` unless they are blocks)."""
    last = siblings[-1] if siblings else None
    if isinstance(last, CommentedMap) and not last.fa.flow_style():
        return block_map(pairs)
    return flow_map(pairs)


def _choice(value: str, choices: tuple[str, ...], what: str) -> str:
    if value not in choices:
        hint = suggestion(value, choices)
        raise EditError(f"unknown {what} {value!r}{hint} (expected one of: {', '.join(choices)})")
    return value


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise EditError(f"not a date: {text!r} (expected YYYY-MM-DD)") from None


def _day(data: CommentedMap, key: str) -> dt.date | None:
    value = data.get(key)
    return value if isinstance(value, dt.date) else None


def _refuse_future(day: dt.date, what: str, hint: str = "") -> None:
    now = today()
    if day > now:
        raise EditError(f"{what} is dated {day}, after today ({now}){hint}; the file is unchanged")


def _refuse_outside(data: CommentedMap, day: dt.date, what: str) -> None:
    """A day before the engagement's start or after its end contradicts the file."""
    start, end = _day(data, "start"), _day(data, "end")
    if (start and day < start) or (end and day > end):
        span = f"{start or '…'} to {end or '…'}"
        raise EditError(f"{what} is dated {day}, outside the engagement ({span}); the file is unchanged")


# --- the edits ------------------------------------------------------------------------------------


def set_stage(stage: str, reason: str | None = None) -> Callable[[CommentedMap], Change]:
    """Move to ``stage``: back only with a ``reason`` (recorded as a course correction),
    to ``closed`` only once the final report is written."""
    _choice(stage, STAGE_NAMES, "stage")

    def edit(data: CommentedMap) -> Change:
        before = data.get("stage")
        stages = data.get("stages") if isinstance(data.get("stages"), dict) else {}
        achievement = stages.get("achievement") if isinstance(stages.get("achievement"), dict) else {}
        if stage == "closed" and not achievement.get("final_report"):
            raise EditError(
                "the engagement cannot be closed before its final report"
                " (stages.achievement.final_report); the file is unchanged"
            )
        backwards = before in STAGE_NAMES and STAGE_NAMES.index(stage) < STAGE_NAMES.index(before)
        rewrites = {"stage"}
        if backwards and not reason:
            raise EditError(
                f"stage: moving back from {before} to {stage} needs --reason (it is recorded as a"
                " course correction); the file is unchanged"
            )
        data["stage"] = stage
        if backwards:
            corrections = _list(_block(_block(data, "stages"), "achievement"), "course_corrections")
            change = f"Stage moved back from {before} to {stage}"
            corrections.append(_item_like(corrections, {"date": today(), "change": change, "reason": reason}))
            rewrites.add("course_corrections")
        return Change(f"stage: {before} -> {stage}", rewrites)

    return edit


def update_action(
    action_id: str,
    status: str | None,
    on: dt.date | None,
    report: str | None,
    reason: str | None = None,
) -> Callable[[CommentedMap], Change]:
    if status is not None:
        _choice(status, STATUSES, "status")

    def edit(data: CommentedMap) -> Change:
        items = _block(_block(data, "stages"), "action").get("items") or []
        ids = [str(item.get("id")) for item in items if isinstance(item, dict)]
        matches = [item for item in items if isinstance(item, dict) and str(item.get("id")) == action_id]
        if not matches:
            known = ", ".join(ids) or "none"
            raise EditError(
                f"no action item {action_id!r}{suggestion(action_id, ids)} (action items: {known})"
            )
        item = matches[0]
        done: list[str] = []
        rewrites: set[str] = set()
        if status == "done" and on is not None:
            _refuse_future(on, f"action {action_id} done")
        if status is not None:
            _set_status(item, status, on or today(), on is not None, reason, rewrites)
            done.append(f"status {status}" + (f" on {item['done_on']}" if status == "done" else ""))
        if report is not None:
            reports = _list(item, "reports")
            day = on or today()
            _refuse_future(day, f"the report on action {action_id}")
            reports.append(_item_like(reports, {"date": day, "text": report}))
            done.append(f"report of {day}")
            rewrites.add("reports")  # `reports: []` becomes a list
            if item.fa.flow_style():
                rewrites.add("id")  # a one-line item is rewritten as a whole
        return Change(f"action {action_id}: " + ", ".join(done), rewrites)

    return edit


def _set_status(
    item: CommentedMap, status: str, on: dt.date, on_given: bool, reason: str | None, rewrites: set[str]
) -> None:
    rewrites.update({"status", "done_on", "reason"})
    # marking an item done again keeps the day it was done, unless --on says otherwise
    was_done = item.get("status") == "done"
    if "status" in item:
        item["status"] = status
    else:
        _insert_after(item, "title", "status", status)
    if status == "done":
        if "done_on" in item:
            if on_given or not was_done:
                item["done_on"] = on
        else:
            _insert_after(item, "status", "done_on", on)
    elif "done_on" in item:
        del item["done_on"]  # done_on is only allowed with status: done
    if reason is not None:
        if "reason" in item:
            item["reason"] = reason
        else:
            _insert_after(item, "done_on" if "done_on" in item else "status", "reason", reason)
    if item.fa.flow_style():
        rewrites.add("id")


def _insert_after(mapping: CommentedMap, after: str, key: str, value: Any) -> None:
    keys = list(mapping)
    position = keys.index(after) + 1 if after in keys else len(keys)
    mapping.insert(position, key, value)


def add_correction(date: dt.date, change: str, reason: str | None) -> Callable[[CommentedMap], Change]:
    """A course correction of the plan (stages.achievement.course_corrections)."""

    def edit(data: CommentedMap) -> Change:
        _refuse_outside(data, date, "the course correction")
        _refuse_future(date, "the course correction")
        corrections = _list(_block(_block(data, "stages"), "achievement"), "course_corrections")
        pairs: dict[str, Any] = {"date": date, "change": change}
        if reason:
            pairs["reason"] = reason
        corrections.append(_item_like(corrections, pairs))
        return Change(f"course correction of {date} added", {"course_corrections"})

    return edit


def add_session(
    date: dt.date, mode: str, minutes: int, topics: list[str], note: str | None
) -> Callable[[CommentedMap], Change]:
    _choice(mode, MODES, "mode")

    def edit(data: CommentedMap) -> Change:
        _refuse_outside(data, date, "the session")
        _refuse_future(date, "the session", " (a planned call belongs in the schedule, not the log)")
        sessions = _list(_block(_block(data, "stages"), "action"), "sessions")
        pairs: dict[str, Any] = {"date": date, "mode": mode, "minutes": minutes}
        if topics:
            pairs["topics"] = flow_seq(list(topics))
        if note:
            pairs["notes"] = note
        sessions.append(_item_like(sessions, pairs))
        return Change(f"session of {date} ({mode}, {minutes} minutes) added", {"sessions"})

    return edit


def plan_goal_texts(data: Any) -> dict[str, str]:
    """The plan's goals (id -> goal text) in a round-trip loaded engagement."""
    try:
        goals = data["stages"]["analysis"]["plan"]["goals"] or []
    except (KeyError, TypeError):
        return {}
    return {str(g["id"]): str(g.get("goal") or "") for g in goals if isinstance(g, dict) and "id" in g}


def add_survey(
    round_: int, sent: dt.date, closed: dt.date | None, read: Callable[[dict[str, str]], Imported]
) -> Callable[[CommentedMap], Change]:
    """Append a survey round; ``read(plan goals)`` reads the export (edit.surveys)."""
    if closed is not None and closed < sent:
        raise EditError(f"--closed {closed} is before --sent {sent}: a survey closes after it is sent")

    def edit(data: CommentedMap) -> Change:
        imported = read(plan_goal_texts(data))
        surveys = _list(_block(_block(data, "stages"), "achievement"), "surveys")
        rounds = [s.get("round") for s in surveys if isinstance(s, dict)]
        if round_ in rounds:
            raise EditError(f"survey round {round_} is already in the file (rounds: {rounds})")
        entries = CommentedSeq()
        for result in imported.results:
            groups = block_map({g: flow_seq(r) for g, r in result.groups.items()})
            entry = block_map({"goal": result.goal, "groups": groups})
            if result.comments:
                entry["comments"] = CommentedSeq([flow_map(c) for c in result.comments])
            entries.append(entry)
        head: dict[str, Any] = {"round": round_, "sent": sent}
        if closed is not None:
            head["closed"] = closed
        surveys.append(block_map({**head, "results": entries}))
        ratings = sum(len(r) for result in imported.results for r in result.groups.values())
        summary = "\n".join(imported.report())
        summary += f"\nsurvey round {round_}: {len(imported.results)} goal(s), {ratings} rating(s) imported"
        return Change(summary, {"surveys"})

    return edit
