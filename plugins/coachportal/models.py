"""Typed model of one engagement file (the contract with coaches).

Every field of ``shared/examples/*.yml`` is modelled here. Each model knows its
visibility: ``default_visibility`` is the level of the whole item when the YAML
does not say, and fields annotated with ``Level.CLIENT`` / ``Level.COACH`` are
more private than the item that holds them (see DESIGN.md, "Audiences and
visibility"). The redaction step reads this metadata; nothing else does.

Cross-field checks (references, unique ids, date order) live in ``checks.py`` so
that they can report every problem with its YAML location at once.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from .surveys import SurveyAggregate, aggregate_groups


class Level(enum.IntEnum):
    """Audience levels, ordered: a portal for level L shows everything at or below L."""

    SPONSOR = 0
    CLIENT = 1
    COACH = 2

    @classmethod
    def parse(cls, name: str) -> Level:
        return cls[name.upper()]

    @property
    def label(self) -> str:
        return self.name.lower()


Visibility = Literal["sponsor", "client", "coach"]
Stage = Literal["awareness", "analysis", "action", "achievement", "closed"]
STAGES: tuple[str, ...] = ("awareness", "analysis", "action", "achievement")
Relation = Literal["manager", "senior-executive", "hr", "peer", "mentor", "other"]
Attendee = Literal["client", "coach", "manager", "senior-executive", "hr", "peer", "mentor", "other"]
ActionKind = Literal[
    "new-behavior", "new-skill", "relationship", "role-model", "stakeholder-input", "training", "other"
]
ActionStatus = Literal["todo", "doing", "done", "dropped"]
SessionMode = Literal["video", "phone", "in-person"]

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
ItemId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
Rating = Annotated[int, Field(ge=-3, le=3)]


def _no_number_as_date(value: Any) -> Any:
    # pydantic would read `start: 0` as a Unix timestamp (1970-01-01); coaches mean a date.
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise PydanticCustomError("date_type", "Input should be a valid date")
    return value


Date = Annotated[dt.date, BeforeValidator(_no_number_as_date)]

# Field-level privacy markers, read by redact.py.
ClientLevel = Level.CLIENT
CoachLevel = Level.COACH


class Model(BaseModel):
    """Base: unknown keys are errors, values are immutable after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)
    default_visibility: ClassVar[Level] = Level.SPONSOR


class Item(Model):
    """A block or list item that may carry ``visibility:``."""

    visibility: Visibility | None = None


# --- people -----------------------------------------------------------------


class Client(Model):
    name: Text
    role: Text | None = None
    organization: Text | None = None


class Coach(Model):
    name: Text
    email: Text | None = None


class Sponsor(Model):
    name: Text
    role: Text | None = None


class TeamMember(Item):
    name: Text
    role: Text | None = None
    relation: Relation


# --- awareness --------------------------------------------------------------


class Period(Model):
    start: Date
    end: Date


class Commitment(Model):
    client: bool
    team: bool
    confirmed: Date | None = None


class Kickoff(Item):
    date: Date
    attendees: list[Attendee] = []
    background: Text | None = None
    goals: list[Text] = []
    expected_outcomes: list[Text] = []
    commitment: Commitment | None = None


class OneOnOne(Item):
    date: Date
    recap: Annotated[Text | None, ClientLevel] = None


class Interview(Item):
    default_visibility: ClassVar[Level] = Level.COACH
    date: Date
    notes: Annotated[Text | None, CoachLevel] = None


class Awareness(Model):
    planned: Period | None = None
    kickoff: Kickoff | None = None
    one_on_one: OneOnOne | None = None
    interview: Interview | None = None


# --- analysis ---------------------------------------------------------------


class Assessment(Item):
    model_config = ConfigDict(coerce_numbers_to_str=True)  # `kind: 360` is a YAML integer
    default_visibility: ClassVar[Level] = Level.CLIENT
    name: Text
    kind: Text
    date: Date | None = None
    summary: Annotated[Text | None, ClientLevel] = None


class StakeholderInterviews(Item):
    count: Annotated[int, Field(ge=0)]
    completed: Date | None = None
    themes: list[Text] = []


class Competency(Item):
    id: ItemId
    name: Text
    why: Text | None = None


class Strength(Item):
    text: Text
    newly_discovered: bool = False


class DevelopmentNeed(Item):
    text: Text
    competency: ItemId | None = None
    blind_spot: bool = False


class Goal(Item):
    id: ItemId
    competency: ItemId
    goal: Text
    measures: list[Text] = []
    target: Date | None = None


class Plan(Item):
    finalized: Date | None = None
    shared_with: list[Attendee] = []
    goals: list[Goal] = []


class Calls(Item):
    cadence: Text
    mode: SessionMode
    first: Date | None = None
    until: Date | None = None


class Analysis(Model):
    planned: Period | None = None
    assessments: list[Assessment] = []
    stakeholder_interviews: StakeholderInterviews | None = None
    competencies: list[Competency] = []
    strengths: list[Strength] = []
    development_needs: list[DevelopmentNeed] = []
    plan: Plan | None = None
    calls: Calls | None = None


# --- action -----------------------------------------------------------------


class ActionReport(Item):
    default_visibility: ClassVar[Level] = Level.CLIENT
    date: Date
    text: Annotated[Text, ClientLevel]


class ActionItem(Item):
    id: ItemId
    kind: ActionKind
    goal: ItemId
    title: Text
    due: Date | None = None
    status: ActionStatus = "todo"
    done_on: Date | None = None
    reason: Text | None = None  # why an item was dropped
    reports: list[ActionReport] = []


class Session(Item):
    date: Date
    mode: SessionMode
    minutes: Annotated[int, Field(ge=1, le=24 * 60)]
    topics: Annotated[list[Text], ClientLevel] = []
    successes: Annotated[list[Text], ClientLevel] = []
    problems: Annotated[list[Text], ClientLevel] = []
    notes: Annotated[Text | None, CoachLevel] = None


class Action(Model):
    planned: Period | None = None
    items: list[ActionItem] = []
    sessions: list[Session] = []


# --- achievement ------------------------------------------------------------


class SurveyComment(Item):
    default_visibility: ClassVar[Level] = Level.CLIENT
    group: Text | None = None
    text: Annotated[Text, ClientLevel]


class SurveyResult(Item):
    goal: ItemId
    groups: Annotated[dict[Text, list[Rating]], CoachLevel] = {}
    comments: list[SurveyComment] = []
    # Computed from `groups` when the file is loaded, so that the anonymous
    # aggregate survives redaction of the individual ratings.
    aggregate: SkipJsonSchema[SurveyAggregate | None] = None

    @model_validator(mode="before")
    @classmethod
    def _aggregate_is_computed(cls, data: Any) -> Any:
        if isinstance(data, dict) and "aggregate" in data:
            raise PydanticCustomError("aggregate_computed", "'aggregate' is computed by the portal")
        return data

    @model_validator(mode="after")
    def _compute_aggregate(self) -> SurveyResult:
        if self.aggregate is None:
            object.__setattr__(self, "aggregate", aggregate_groups(self.groups))
        return self


class Survey(Item):
    round: Annotated[int, Field(ge=1)]
    sent: Date
    closed: Date | None = None
    discussed: Date | None = None
    results: list[SurveyResult] = []


class CourseCorrection(Item):
    date: Date
    change: Text
    reason: Text | None = None


class ExpectationsMet(Item):
    date: Date
    agreed_by: list[Attendee] = []


class PhaseDown(Item):
    start: Date
    end: Date | None = None
    cadence: Text | None = None


class FollowUp(Item):
    date: Date
    feedback: Annotated[Text | None, ClientLevel] = None
    accomplishments: list[Text] = []


class FinalReport(Item):
    date: Date
    summary: Text
    outcomes: list[Text] = []
    recommendations: list[Text] = []


class Achievement(Model):
    planned: Period | None = None
    surveys: list[Survey] = []
    course_corrections: list[CourseCorrection] = []
    expectations_met: ExpectationsMet | None = None
    phase_down: PhaseDown | None = None
    follow_up: FollowUp | None = None
    final_report: FinalReport | None = None


class Stages(Model):
    awareness: Awareness = Awareness()
    analysis: Analysis = Analysis()
    action: Action = Action()
    achievement: Achievement = Achievement()


class Engagement(Model):
    id: Id
    title: Text
    stage: Stage
    start: Date
    end: Date
    client: Client
    coach: Coach
    sponsor: Sponsor | None = None
    team: list[TeamMember] = []
    access: list[Id] = []
    stages: Stages = Stages()
