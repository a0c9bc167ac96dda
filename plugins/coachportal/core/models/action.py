"""Stage 3, action: the action checklist, the session log and its totals."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from ..clock import TimeOfDay
from .awareness import Period
from .base import Date, Item, ItemId, Model, Text, refuse_computed
from .levels import ClientLevel, CoachLevel, Level
from .vocabulary import ActionKind, ActionStatus, Repeat, SessionMode


class ActionReport(Item):
    default_visibility: ClassVar[Level] = Level.CLIENT
    date: Date = Field(description="Date of the report, YYYY-MM-DD. Example: 2026-03-26")
    text: Annotated[Text, ClientLevel] = Field(
        description=(
            "What happened (client-level). Example: Tried it in two reviews; both directors came prepared."
        )
    )


class ActionItem(Item):
    id: ItemId = Field(
        description="Short id of the action, unique in the file: letters, digits, '-' and '_'. Example: A1"
    )
    kind: ActionKind = Field(
        description=(
            "new-behavior, new-skill, relationship, role-model, stakeholder-input, "
            "training or other. Example: new-behavior"
        )
    )
    goal: ItemId = Field(description="Id of the plan goal this action serves. Example: G1")
    title: Text = Field(
        description="What the client will do. Example: Ask directors for their recommendation first"
    )
    due: Date | None = Field(
        None,
        description="Due date, YYYY-MM-DD; shown as overdue after it (not with repeat). Example: 2026-04-15",
    )
    repeat: Repeat | None = Field(
        None,
        description=(
            "weekly, monthly or quarterly: a habit instead of a single due date; never overdue as a "
            "whole, the checklist shows its cadence and latest report. Example: monthly"
        ),
    )
    status: ActionStatus = Field(
        "todo", description="todo, doing, done or dropped (default todo). Example: doing"
    )
    done_on: Date | None = Field(
        None, description="When it was done, YYYY-MM-DD; only with status: done. Example: 2026-04-10"
    )
    reason: Text | None = Field(
        None, description="Why the item was dropped. Example: Replaced by A5 after the first survey"
    )  # why an item was dropped
    reports: list[ActionReport] = Field(
        [], description="Progress reports (client-level by default): {date, text}"
    )


class Session(Item):
    date: Date = Field(description="Date of the coaching session, YYYY-MM-DD. Example: 2026-03-12")
    mode: SessionMode = Field(description="video, phone or in-person. Example: video")
    time: TimeOfDay | None = Field(None, description='Start time, "HH:MM" (24-hour). Example: "14:00"')
    minutes: Annotated[int, Field(ge=1, le=24 * 60)] = Field(
        description="Length in minutes, 1 to 1440. Example: 60"
    )
    topics: Annotated[list[Text], ClientLevel] = Field(
        [], description="Topics discussed (client-level). Example: [Delegation experiment design]"
    )
    successes: Annotated[list[Text], ClientLevel] = Field(
        [], description="Successes the client reported (client-level). Example: [Directors came prepared]"
    )
    problems: Annotated[list[Text], ClientLevel] = Field(
        [], description="Problems the client reported (client-level). Example: [Hard in heated meetings]"
    )
    notes: Annotated[Text | None, CoachLevel] = Field(
        None,
        description=(
            "The coach's notes; coach-only whatever visibility says. Example: "
            "Linked interrupting to pressure."
        ),
    )


class SessionTotals(BaseModel):
    """Every session of the engagement, counted before redaction: a sponsor sees how much
    coaching took place even where a session's date and content are private to them."""

    model_config = ConfigDict(frozen=True)

    count: int = 0
    minutes: int = 0
    hidden: int = 0  # sessions this view does not list
    latest: dt.date | None = None  # the latest session of any visibility ...
    latest_hidden: bool = False  # ... which a page names only when this view lists it

    def shown(self, sessions: list[Session]) -> SessionTotals:
        """These totals in a view that lists only ``sessions`` (redaction calls this)."""
        listed = {s.date for s in sessions}
        return self.model_copy(
            update={
                "hidden": self.count - len(sessions),
                "latest_hidden": self.latest is not None and self.latest not in listed,
            }
        )


class Action(Model):
    planned: Period | None = Field(
        None, description="Planned dates of the action stage. Example: {start: 2026-03-09, end: 2026-09-30}"
    )
    items: list[ActionItem] = Field(
        [],
        description="The action checklist: {id, kind, goal, title, due, status, done_on, reason, reports}",
    )
    sessions: list[Session] = Field(
        [], description="The session log: {date, mode, minutes, topics, successes, problems, notes}"
    )
    # Computed when the file is loaded and again by redaction (redact.py), like a
    # survey result's aggregate: never written in the file.
    totals: SkipJsonSchema[SessionTotals | None] = Field(default=None, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _totals_are_computed(cls, data: Any) -> Any:
        return refuse_computed(data, "totals")

    @model_validator(mode="after")
    def _count_sessions(self) -> Action:
        if self.totals is None:
            object.__setattr__(self, "totals", session_totals(self.sessions))
        return self


def session_totals(sessions: list[Session]) -> SessionTotals:
    """Totals over every session of a file, as loaded."""
    latest = max((s.date for s in sessions), default=None)
    return SessionTotals(count=len(sessions), minutes=sum(s.minutes for s in sessions), latest=latest)
