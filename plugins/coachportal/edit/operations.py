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
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..core.clock import today
from ..core.errors import EngagementError
from ..core.models import ActionKind, ActionStatus, Engagement, Repeat, SessionMode, Stage
from ..core.suggest import suggestion
from ..derive.warnings import unusual_findings
from ..load.loader import Loader, load_engagement
from .errors import EditError
from .frozen import refuse_frozen
from .roundtrip import Document, block_map, editing, flow_map, flow_seq, open_document, write_atomic
from .surveys import Imported

STATUSES: tuple[str, ...] = get_args(ActionStatus)
MODES: tuple[str, ...] = get_args(SessionMode)
STAGE_NAMES: tuple[str, ...] = get_args(Stage)
KINDS: tuple[str, ...] = get_args(ActionKind)
REPEATS: tuple[str, ...] = get_args(Repeat)


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
        edited = _validate(text, path)  # before anything is written
        _refuse_contradictions(path, document.text, edited)
        refuse_frozen(path, text, edited)  # a survey round published as closed stays as published
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


def _validate(text: str, path: Path) -> Engagement:
    """The edited ``text`` loads as ``path`` would; else say why, and whether it loaded before."""
    try:
        return Loader(keep=False).load_text(path, text)
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


def _refuse_contradictions(path: Path, before: str, edited: Engagement) -> None:
    """Refuse what the edit adds to the warnings of a hand-edited file (a session after today,
    an action done after today...): the rule is written once, in derive.warnings. Findings are
    counted, so a second late session on a day already late is refused too."""
    now = today()
    try:
        old = Counter(
            message for _, message in unusual_findings(Loader(keep=False).load_text(path, before), now)
        )
    except EngagementError:  # the edit fixes an invalid file: everything it warns of is new
        old = Counter()
    for loc, message in unusual_findings(edited, now):
        if old[message]:
            old[message] -= 1
            continue
        field = ".".join(str(part) for part in loc)
        raise EditError(f"{path}: {field}: {message}; the file is unchanged")


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


# --- the edits ------------------------------------------------------------------------------------


def set_stage(stage: str, reason: str | None = None) -> Callable[[CommentedMap], Change]:
    """Move to ``stage``: back only with a ``reason`` (recorded as a course correction);
    to ``closed`` only once the final report is written (apply refuses it otherwise)."""
    _choice(stage, STAGE_NAMES, "stage")

    def edit(data: CommentedMap) -> Change:
        before = data.get("stage")
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
        ids = _ids(items)
        matches = [item for item in items if isinstance(item, dict) and str(item.get("id")) == action_id]
        if not matches:
            known = ", ".join(ids) or "none"
            raise EditError(
                f"no action item {action_id!r}{suggestion(action_id, ids)} (action items: {known})"
            )
        item = matches[0]
        done: list[str] = []
        rewrites: set[str] = set()
        if status is not None:
            _set_status(item, status, on or today(), on is not None, reason, rewrites)
            done.append(f"status {status}" + (f" on {item['done_on']}" if status == "done" else ""))
        if report is not None:
            reports = _list(item, "reports")
            day = on or today()
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


def _next_id(items: Any, prefix: str) -> str:
    """``G4`` after ``G1``..``G3`` (ids in another scheme need ``--id``)."""
    numbers = [
        int(m.group(1))
        for item in items or []
        if isinstance(item, dict) and (m := re.fullmatch(rf"{prefix}(\d+)", str(item.get("id"))))
    ]
    return f"{prefix}{max(numbers, default=0) + 1}"


def _ids(items: Any) -> list[str]:
    return [str(item.get("id")) for item in items or [] if isinstance(item, dict)]


def _refuse_taken(items: Any, item_id: str, what: str) -> None:
    ids = _ids(items)
    if item_id in ids:
        raise EditError(f"{what} {item_id!r} is already in the file ({what}s: {', '.join(ids)})")


def add_goal(
    goal: str, competency: str, measures: list[str], target: dt.date | None, goal_id: str | None = None
) -> Callable[[CommentedMap], Change]:
    """A goal of the development plan (stages.analysis.plan.goals); its competency must exist."""

    def edit(data: CommentedMap) -> Change:
        goals = _list(_block(_block(_block(data, "stages"), "analysis"), "plan"), "goals")
        new_id = goal_id or _next_id(goals, "G")
        _refuse_taken(goals, new_id, "goal")
        pairs: dict[str, Any] = {"id": new_id, "competency": competency, "goal": goal}
        if measures:
            pairs["measures"] = flow_seq(list(measures))
        if target is not None:
            pairs["target"] = target
        goals.append(_item_like(goals, pairs))
        return Change(f"goal {new_id} added", {"goals"})

    return edit


def add_action(
    title: str,
    goal: str,
    kind: str,
    due: dt.date | None,
    repeat: str | None,
    action_id: str | None = None,
) -> Callable[[CommentedMap], Change]:
    """An item of the action checklist, with a due date or a cadence (not both)."""
    _choice(kind, KINDS, "kind")
    if repeat is not None:
        _choice(repeat, REPEATS, "repeat")
    if due is not None and repeat is not None:
        raise EditError("give --due or --repeat, not both: a habit has no single due date")

    def edit(data: CommentedMap) -> Change:
        items = _list(_block(_block(data, "stages"), "action"), "items")
        new_id = action_id or _next_id(items, "A")
        _refuse_taken(items, new_id, "action item")
        pairs: dict[str, Any] = {"id": new_id, "kind": kind, "goal": goal, "title": title}
        if due is not None:
            pairs["due"] = due
        if repeat is not None:
            pairs["repeat"] = repeat
        pairs["status"] = "todo"
        items.append(_item_like(items, pairs))
        return Change(f"action {new_id} added", {"items"})

    return edit


def survey_discussed(round_: int, on: dt.date) -> Callable[[CommentedMap], Change]:
    """The day a survey round's results were discussed with the client."""

    def edit(data: CommentedMap) -> Change:
        surveys = _block(_block(data, "stages"), "achievement").get("surveys") or []
        rounds = [s for s in surveys if isinstance(s, dict) and s.get("round") == round_]
        if not rounds:
            known = [s.get("round") for s in surveys if isinstance(s, dict)]
            raise EditError(f"no survey round {round_} in the file (rounds: {known or 'none'})")
        survey = rounds[0]
        if "discussed" in survey:
            survey["discussed"] = on
        else:
            _insert_after(survey, "closed" if "closed" in survey else "sent", "discussed", on)
        return Change(f"survey round {round_}: discussed on {on}", {"discussed"})

    return edit


def record_follow_up(
    on: dt.date, feedback: str | None, accomplishments: list[str]
) -> Callable[[CommentedMap], Change]:
    """The formal follow-up (stages.achievement.follow_up), written once: a second one is refused."""

    def edit(data: CommentedMap) -> Change:
        achievement = _block(_block(data, "stages"), "achievement")
        if achievement.get("follow_up") is not None:
            raise EditError("the follow-up is already in the file; change it by hand if it must change")
        pairs: dict[str, Any] = {"date": on}
        if feedback:
            pairs["feedback"] = feedback
        if accomplishments:
            pairs["accomplishments"] = flow_seq(list(accomplishments))
        achievement["follow_up"] = block_map(pairs)
        return Change(f"follow-up of {on} recorded", {"follow_up"})

    return edit
