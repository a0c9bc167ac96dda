"""What changed since the last update, as short sentences (the overview's "Since the last update").

Both versions of an engagement are redacted to the portal's audience *before* they are
compared (:func:`news_by_id`): a change to a field the audience may not see (a session's
notes in a sponsor portal) changes nothing in either model, so it shows no entry at
all — not even "something changed". Only what the audience's pages show is compared,
field by field; anything else is never summed up as a vague "other changes".

Sentences are made of generic labels, ids, dates and numbers; the text of the item a
change is about (an action's title) travels separately as ``detail``, so that the
template escapes it like any other YAML text.

Which version is "the previous one" is :mod:`load.history`'s rule; the history is read
once per build, for every view.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from ..core.errors import EngagementError
from ..core.i18n import NC_, Translator, english
from ..core.log import get_logger
from ..core.models import STAGE_LABELS, ActionItem, Engagement, Level
from ..core.redact import redact
from ..load.history import Histories
from ..load.loader import Loader
from .formatting import fmt_date

log = get_logger(__name__)

MAX_SHOWN = 10  # a short list; the rest is counted

# An action's status inside a sentence: "New action A7 (to do)".
STATUS_IN_SENTENCE: dict[str, tuple[str, str]] = {
    "todo": NC_("status in a sentence", "to do"),
    "doing": NC_("status in a sentence", "in progress"),
    "done": NC_("status in a sentence", "done"),
    "dropped": NC_("status in a sentence", "dropped"),
}


@dataclass(frozen=True)
class Change:
    text: str  # generic words, ids, dates and numbers
    detail: str | None = None  # the YAML text it is about (an action's title); escaped by the template


@dataclass(frozen=True)
class News:
    """What an engagement's pages say about its last update."""

    last_updated: dt.date | None = None
    previous_date: dt.date | None = None  # date of the version compared with
    changes: tuple[Change, ...] = ()  # empty: nothing this audience can see changed, or no history
    t: Translator = field(default_factory=english, repr=False, compare=False)

    @property
    def updated_text(self) -> str:
        t = self.t
        return t("Last updated {date}", date=fmt_date(self.last_updated, t)) if self.last_updated else ""

    @property
    def since_text(self) -> str:
        t = self.t
        if self.previous_date:
            return t("Compared with the version of {date}.", date=fmt_date(self.previous_date, t))
        return t("Compared with the previous version.")

    @property
    def shown(self) -> tuple[Change, ...]:
        return self.changes[:MAX_SHOWN]

    @property
    def more_text(self) -> str:
        rest = len(self.changes) - MAX_SHOWN
        return self.t.n("and {n} more change", "and {n} more changes", rest) if rest > 0 else ""


# --- comparing two redacted models --------------------------------------------------


def changes(old: Engagement, new: Engagement, t: Translator | None = None) -> list[Change]:
    """What differs between two versions of one engagement, both redacted for the same audience."""
    t = t or english()
    return [
        *_stage_and_dates(old, new, t),
        *_awareness_and_analysis(old, new, t),
        *_goals(old, new, t),
        *_actions(old, new, t),
        *_sessions(old, new, t),
        *_surveys(old, new, t),
        *_achievement(old, new, t),
    ]


def _stage_and_dates(old: Engagement, new: Engagement, t: Translator) -> Iterable[Change]:
    if old.stage != new.stage:
        if new.stage == "closed":
            yield Change(t("The engagement was closed"))
        else:
            was, now = t.label(STAGE_LABELS, old.stage), t.label(STAGE_LABELS, new.stage)
            yield Change(t("Moved from the {old} stage to the {new} stage", old=was, new=now))
    if old.end != new.end:
        was, now = fmt_date(old.end, t), fmt_date(new.end, t)
        yield Change(t("Planned end moved from {old} to {new}", old=was, new=now))


def _same(a: BaseModel | None, b: BaseModel | None) -> bool:
    """Equal in what a page shows: ``visibility:`` itself is never shown (nor summed up as a change)."""
    if a is None or b is None:
        return a is b
    return a.model_dump(exclude={"visibility"}) == b.model_dump(exclude={"visibility"})


def _awareness_and_analysis(old: Engagement, new: Engagement, t: Translator) -> Iterable[Change]:
    before, after = old.stages, new.stages
    if after.awareness.kickoff and not before.awareness.kickoff:
        yield Change(t("Kickoff added ({date})", date=fmt_date(after.awareness.kickoff.date, t)))
    interviews = after.analysis.stakeholder_interviews
    was = before.analysis.stakeholder_interviews
    if interviews and interviews.completed and not (was and was.completed):
        yield Change(t("Stakeholder interviews completed ({date})", date=fmt_date(interviews.completed, t)))
    old_names = Counter((a.name, a.date) for a in before.analysis.assessments)
    for a in after.analysis.assessments:
        if old_names[(a.name, a.date)] > 0:
            old_names[(a.name, a.date)] -= 1
        else:
            text = t("New assessment ({date})", date=fmt_date(a.date, t)) if a.date else t("New assessment")
            yield Change(text, a.name)
    plan, old_plan = after.analysis.plan, before.analysis.plan
    if plan and plan.finalized and not (old_plan and old_plan.finalized):
        yield Change(t("Development plan finalized ({date})", date=fmt_date(plan.finalized, t)))
    calls, old_calls = after.analysis.calls, before.analysis.calls
    if calls is None and old_calls is not None:
        yield Change(t("Coaching call schedule removed"))
    elif calls is not None and old_calls is None:
        yield Change(t("Coaching call schedule set"))
    elif not _same(calls, old_calls):
        yield Change(t("Coaching call schedule changed"))


def _goals(old: Engagement, new: Engagement, t: Translator) -> Iterable[Change]:
    before = {g.id: g for g in (old.stages.analysis.plan.goals if old.stages.analysis.plan else [])}
    after = {g.id: g for g in (new.stages.analysis.plan.goals if new.stages.analysis.plan else [])}
    for gid, goal in after.items():
        was = before.get(gid)
        if was is None:
            yield Change(t("New goal {goal}", goal=gid), goal.goal)
        elif was.target != goal.target:
            if goal.target:
                text = t("Goal {goal}: target date moved to {date}", goal=gid, date=fmt_date(goal.target, t))
            else:
                text = t("Goal {goal}: target date removed", goal=gid)
            yield Change(text, goal.goal)
    for gid, goal in before.items():
        if gid not in after:
            yield Change(t("Goal {goal} removed", goal=gid), goal.goal)


def _status_change(item: ActionItem, t: Translator) -> str:
    if item.status == "doing":
        return t("Action {action} started", action=item.id)
    if item.status == "done":
        if item.done_on:
            return t("Action {action} done ({date})", action=item.id, date=fmt_date(item.done_on, t))
        return t("Action {action} done", action=item.id)
    if item.status == "dropped":
        return t("Action {action} dropped", action=item.id)
    return t("Action {action} reopened", action=item.id)  # back to "to do"


def _actions(old: Engagement, new: Engagement, t: Translator) -> Iterable[Change]:
    before = {i.id: i for i in old.stages.action.items}
    after = {i.id: i for i in new.stages.action.items}
    for aid, item in after.items():
        was = before.get(aid)
        if was is None:
            status = t.label(STATUS_IN_SENTENCE, item.status)
            yield Change(t("New action {action} ({status})", action=aid, status=status), item.title)
        elif was.status != item.status:
            yield Change(_status_change(item, t), item.title)
        elif was.due != item.due:
            if item.due:
                text = t("Action {action}: due date moved to {date}", action=aid, date=fmt_date(item.due, t))
            else:
                text = t("Action {action}: due date removed", action=aid)
            yield Change(text, item.title)
    for aid, item in before.items():
        if aid not in after:
            yield Change(t("Action {action} removed", action=aid), item.title)


def _sessions(old: Engagement, new: Engagement, t: Translator) -> Iterable[Change]:
    before = Counter(s.date for s in old.stages.action.sessions)
    after = Counter(s.date for s in new.stages.action.sessions)
    added = sorted((after - before).elements())
    removed = sum((before - after).values())
    if len(added) == 1:
        yield Change(t("New coaching session ({date})", date=fmt_date(added[0], t)))
    elif added:
        count, latest = len(added), fmt_date(added[-1], t)
        yield Change(
            t.n(
                "{n} new coaching session, the latest on {date}",
                "{n} new coaching sessions, the latest on {date}",
                count,
                date=latest,
            )
        )
    if removed:
        yield Change(
            t.n(
                "{n} coaching session removed from the log",
                "{n} coaching sessions removed from the log",
                removed,
            )
        )


def _surveys(old: Engagement, new: Engagement, t: Translator) -> Iterable[Change]:
    before = {s.round: s for s in old.stages.achievement.surveys}
    after = {s.round: s for s in new.stages.achievement.surveys}
    for number, survey in sorted(after.items()):
        was = before.get(number)
        if was is None:
            yield Change(t("Survey round {round} sent ({date})", round=number, date=fmt_date(survey.sent, t)))
        if survey.closed and not (was and was.closed):
            date = fmt_date(survey.closed, t)
            yield Change(t("Survey round {round} closed ({date})", round=number, date=date))
        if survey.discussed and not (was and was.discussed):
            date = fmt_date(survey.discussed, t)
            yield Change(t("Survey round {round} results discussed ({date})", round=number, date=date))
    for number in sorted(before.keys() - after.keys()):
        yield Change(t("Survey round {round} removed", round=number))


def _achievement(old: Engagement, new: Engagement, t: Translator) -> Iterable[Change]:
    before, after = old.stages.achievement, new.stages.achievement
    known = Counter((c.date, c.change) for c in before.course_corrections)
    for c in after.course_corrections:
        if known[(c.date, c.change)] > 0:
            known[(c.date, c.change)] -= 1
        else:
            yield Change(t("Course correction ({date})", date=fmt_date(c.date, t)), c.change)
    blocks = (
        ("expectations_met", t("Expectations agreed as met"), t("Expectations met withdrawn")),
        ("phase_down", t("Phase-down planned"), t("Phase-down removed")),
        ("follow_up", t("Follow-up added"), t("Follow-up removed")),
        ("final_report", t("Final report published"), t("Final report withdrawn")),
    )
    for name, added, removed in blocks:
        was, now = getattr(before, name), getattr(after, name)
        if now is not None and was is None:
            date = now.start if name == "phase_down" else now.date
            yield Change(t("{change} ({date})", change=added, date=fmt_date(date, t)))
        elif now is None and was is not None:
            yield Change(removed)
        elif name == "final_report" and not _same(now, was):
            yield Change(t("Final report updated"))


# --- from the engagement files ------------------------------------------------------------


def report(found: Histories) -> None:
    """What limited the history, said once per build (info lines, never a failure)."""
    if not found.repository:
        log.info(f"no 'Since the last update' lists: {found.problem}")
    if found.shallow:
        files = f"{len(found.shallow)} file{'s' if len(found.shallow) != 1 else ''}"  # a log line, English
        log.info(
            f"shallow git clone: no change list for {files} last changed before"
            " the clone's first commit (check out with fetch-depth: 0)"
        )
    for path in found.unreadable:
        log.info(f"{path.name}: the previous version is not UTF-8 text, no change list")


class PreviousVersions:
    """The models of previous versions, loaded from git's text under their file's name.

    `mkdocs serve` rebuilds and a build of several views load each one once; only the
    versions the latest build asked for are kept (:meth:`forget_unused`), so it never
    holds more than one model per file.
    """

    def __init__(self, loader: Loader) -> None:
        self.loader = loader
        self._models: dict[tuple[Path, str], Engagement | str] = {}
        self._used: set[tuple[Path, str]] = set()

    def model(self, path: Path, text: str) -> Engagement | str:
        """The model of ``path``'s previous ``text``, or why it does not load (the first problem)."""
        key = (path, hashlib.sha256(text.encode("utf-8")).hexdigest())
        self._used.add(key)
        if key not in self._models:
            try:
                self._models[key] = self.loader.load_text(path, text)
            except (EngagementError, ValueError) as exc:
                self._models[key] = str(exc).splitlines()[0] if str(exc) else "it does not validate"
        return self._models[key]

    def forget_unused(self) -> None:
        self._models = {k: v for k, v in self._models.items() if k in self._used}
        self._used = set()


def news_by_id(
    paths: Mapping[str, Path],
    found: Histories,
    engagements: Sequence[Engagement],
    audience: Level,
    previous: PreviousVersions,
    t: Translator | None = None,
) -> dict[str, News]:
    """Per engagement id: last updated, and what changed for ``audience`` (``engagements``
    redacted to it; ``paths``: each id's file; ``found``: their history, read once per build).

    Never fails the build: an old version that no longer validates, or one with another
    id, means no change list, each said in an info line.
    """
    t = t or english()
    out: dict[str, News] = {}
    for e in engagements:
        path = paths.get(e.id)
        history = found.files.get(path) if path is not None else None
        if path is None or history is None:
            continue
        news = News(history.last_updated, history.previous_date, t=t)
        if history.previous is not None:
            old = previous.model(path, history.previous)
            if isinstance(old, str):
                log.info(f"{path.name}: the previous version no longer loads, no change list ({old})")
            elif old.id != e.id:
                log.info(f"{path.name}: the previous version has another id, no change list")
            else:
                found_changes = tuple(changes(redact(old, audience), e, t))
                news = News(history.last_updated, history.previous_date, found_changes, t)
        out[e.id] = news
    return out
