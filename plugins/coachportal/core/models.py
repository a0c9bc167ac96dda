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
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from .clock import TimeOfDay, TimeZoneName
from .i18n import N_, NC_
from .surveys import SurveyAggregate, aggregate_groups


class Level(enum.IntEnum):
    """Audience levels, ordered: a portal for level L shows everything at or below L."""

    SPONSOR = 0
    CLIENT = 1
    COACH = 2

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The names users write, most public first: ``sponsor``, ``client``, ``coach``."""
        return tuple(level.label for level in cls)

    @classmethod
    def parse(cls, name: str) -> Level:
        """A level from its name (any case, surrounding blanks ignored); ValueError naming
        the choices otherwise."""
        try:
            return cls[name.strip().upper()]
        except (KeyError, AttributeError):
            raise ValueError(f"{name!r} is not a level (expected one of: {', '.join(cls.names())})") from None

    @property
    def label(self) -> str:
        return self.name.lower()

    def may_read(self, view: Level) -> bool:
        """A reader of this level may open pages of ``view`` (its own level or a more public one)."""
        return view <= self


# Each closed set of values has its label beside it; a test checks that every value
# of the Literal has one (a gap would otherwise show the raw value on a page). Labels
# are English message ids, marked with N_ for extraction and translated where they are
# shown (``Translator.label``).
Visibility = Literal["sponsor", "client", "coach"]  # spelt out for type checkers; Level owns them
assert get_args(Visibility) == Level.names(), "Visibility and Level name the same levels"
VISIBILITY_LABELS: dict[str, str] = {
    "sponsor": N_("Sponsor view"),
    "client": N_("Client view"),
    "coach": N_("Coach view"),
}

VIEW_NAMES: dict[str, str] = {  # a view on its own (the preview's view switcher)
    "sponsor": N_("Sponsor"),
    "client": N_("Client"),
    "coach": N_("Coach"),
}
VIEW_DESCRIPTIONS: dict[str, str] = {  # the view label's tooltip
    "sponsor": N_("This portal shows what the sponsor may see"),
    "client": N_("This portal shows what the client may see"),
    "coach": N_("This portal shows what the coach may see"),
}
CONFIDENTIAL_NOTES: dict[str, str] = {  # printed on the final report
    "sponsor": N_("Confidential — sponsor view of a coaching engagement. Please do not forward or copy."),
    "client": N_("Confidential — client view of a coaching engagement. Please do not forward or copy."),
    "coach": N_("Confidential — coach view of a coaching engagement. Please do not forward or copy."),
}

Stage = Literal["awareness", "analysis", "action", "achievement", "closed"]
STAGES: tuple[str, ...] = ("awareness", "analysis", "action", "achievement")
STAGE_LABELS: dict[str, str] = {
    "awareness": N_("Awareness"),
    "analysis": N_("Analysis"),
    "action": N_("Action"),
    "achievement": N_("Achievement"),
    "closed": N_("Closed"),
}
STAGE_NAMES: dict[str, str] = {  # a stage's name inside a sentence: "the action stage"
    "awareness": N_("awareness"),
    "analysis": N_("analysis"),
    "action": N_("action"),
    "achievement": N_("achievement"),
    "closed": N_("closed"),
}
STAGE_BLURBS: dict[str, str] = {
    "awareness": N_("Kickoff with the client team, goals and commitment"),
    "analysis": N_("Assessments, stakeholder interviews and the development plan"),
    "action": N_("New behaviours and skills, regular coaching sessions"),
    "achievement": N_("Stakeholder surveys, course corrections and the final report"),
    "closed": N_("The engagement is complete"),
}

Relation = Literal["manager", "senior-executive", "hr", "peer", "mentor", "other"]
Attendee = Literal["client", "coach", "manager", "senior-executive", "hr", "peer", "mentor", "other"]
PERSON_LABELS: dict[str, str] = {  # attendees and relations
    "client": N_("Client"),
    "coach": N_("Coach"),
    "manager": N_("Manager"),
    "senior-executive": N_("Senior executive"),
    "hr": N_("HR"),
    "peer": N_("Peer"),
    "mentor": N_("Mentor"),
    "other": N_("Other"),
}

PERSON_IN_SENTENCE: dict[str, str | tuple[str, str]] = {  # "shared with the client, the manager and HR"
    "client": N_("the client"),
    "coach": N_("the coach"),
    "manager": N_("the manager"),
    "senior-executive": N_("the senior executive"),
    "hr": NC_("in a sentence: shared with HR", "HR"),
    "peer": N_("the peer"),
    "mentor": N_("the mentor"),
    "other": N_("the other"),
}

ActionKind = Literal[
    "new-behavior", "new-skill", "relationship", "role-model", "stakeholder-input", "training", "other"
]
ACTION_KIND_LABELS: dict[str, str] = {
    "new-behavior": N_("New behavior"),
    "new-skill": N_("New skill"),
    "relationship": N_("Key relationship"),
    "role-model": N_("Role-model talk"),
    "stakeholder-input": N_("Stakeholder input"),
    "training": N_("Training"),
    "other": N_("Other"),
}

ActionStatus = Literal["todo", "doing", "done", "dropped"]
ACTION_STATUS_LABELS: dict[str, str] = {
    "todo": N_("To do"),
    "doing": N_("In progress"),
    "done": N_("Done"),
    "dropped": N_("Dropped"),
}
OPEN_STATUSES = frozenset({"todo", "doing"})

Repeat = Literal["weekly", "monthly", "quarterly"]  # a habit, instead of a single due date
REPEAT_LABELS: dict[str, str] = {
    "weekly": N_("Weekly"),
    "monthly": N_("Monthly"),
    "quarterly": N_("Quarterly"),
}

SessionMode = Literal["video", "phone", "in-person"]
SESSION_MODE_LABELS: dict[str, str] = {
    "video": N_("Video"),
    "phone": N_("Phone"),
    "in-person": N_("In person"),
}

# Id formats, written once: the models validate with them, checks.id_problem words
# the message, access.py checks reader ids with the same rule.
ID_PATTERN = r"[a-z0-9][a-z0-9-]*"  # engagement and reader ids: URL slugs
ITEM_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_-]*"  # goal, competency and action ids
ID_MAX_LENGTH = 64
Id = Annotated[str, StringConstraints(pattern=f"^{ID_PATTERN}$", max_length=ID_MAX_LENGTH)]
ItemId = Annotated[str, StringConstraints(pattern=f"^{ITEM_ID_PATTERN}$", max_length=ID_MAX_LENGTH)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
Rating = Annotated[int, Field(ge=-3, le=3)]


def _no_number_as_date(value: Any) -> Any:
    # pydantic would read `start: 0` as a Unix timestamp (1970-01-01); coaches mean a date.
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise PydanticCustomError("date_type", "Input should be a valid date")
    return value


Date = Annotated[dt.date, BeforeValidator(_no_number_as_date)]

# Fields the portal computes when a file is loaded; a file must not set them.
COMPUTED_FIELDS = frozenset({"aggregate", "totals"})


def refuse_computed(data: Any, field: str) -> Any:
    """A model's input, unless it sets ``field``, which the portal computes (COMPUTED_FIELDS)."""
    if isinstance(data, dict) and field in data:
        raise PydanticCustomError("computed_field", "'{field}' is computed by the portal", {"field": field})
    return data


# Field-level privacy markers, read by redact.py.
ClientLevel = Level.CLIENT
CoachLevel = Level.COACH


class Model(BaseModel):
    """Base: unknown keys are errors, values are immutable after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)
    default_visibility: ClassVar[Level] = Level.SPONSOR


class Item(Model):
    """A block or list item that may carry ``visibility:``."""

    visibility: Visibility | None = Field(
        None,
        description=(
            "Who may read this item: sponsor, client or coach (default: the item's "
            "own level). Example: visibility: client"
        ),
    )


# --- people -----------------------------------------------------------------


class Client(Model):
    name: Text = Field(description="The coached executive's full name. Example: Dana Whitfield")
    role: Text | None = Field(None, description="Their job title. Example: VP Operations")
    organization: Text | None = Field(None, description="Their organisation. Example: Northwind Logistics")


class Coach(Model):
    name: Text = Field(description="The coach's full name. Example: Priya Raman")
    email: Text | None = Field(
        None, description="The coach's e-mail address, shown to readers. Example: priya@example.com"
    )


class Contract(Model):
    """What was bought: any of sessions, hours and an end date (derive/programme.py counts usage)."""

    sessions: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Coaching sessions contracted, 1 or more. Example: 12"
    )
    hours: Annotated[float, Field(gt=0)] | None = Field(
        None, description="Coaching hours contracted, more than 0. Example: 18"
    )
    until: Date | None = Field(
        None, description="Last day the contract covers, YYYY-MM-DD. Example: 2026-11-30"
    )


class Sponsor(Model):
    name: Text = Field(description="The sponsoring executive's full name. Example: Marcus Lee")
    role: Text | None = Field(None, description="The sponsor's job title. Example: Chief Operating Officer")


class TeamMember(Item):
    name: Text = Field(description="Full name of a member of the client team. Example: Sam Patel")
    role: Text | None = Field(None, description="Their job title. Example: HR Business Partner")
    relation: Relation = Field(
        description=(
            "How they relate to the client: manager, senior-executive, hr, peer, "
            "mentor or other. Example: manager"
        )
    )


# --- awareness --------------------------------------------------------------


class Period(Model):
    start: Date = Field(description="Planned first day, YYYY-MM-DD. Example: 2026-02-02")
    end: Date = Field(description="Planned last day, YYYY-MM-DD, not before start. Example: 2026-02-20")


class Commitment(Model):
    client: bool = Field(description="The client committed to the engagement: true or false")
    team: bool = Field(description="The client team committed to support it: true or false")
    confirmed: Date | None = Field(
        None, description="When the commitment was confirmed, YYYY-MM-DD. Example: 2026-02-04"
    )


class Kickoff(Item):
    date: Date = Field(description="Date of the kickoff meeting, YYYY-MM-DD. Example: 2026-02-04")
    attendees: list[Attendee] = Field(
        [],
        description=(
            "Who attended: client, coach, manager, senior-executive, hr, peer, "
            "mentor, other. Example: [client, manager, hr]"
        ),
    )
    background: Text | None = Field(
        None,
        description=(
            "Why this engagement, now (Markdown text). Example: Promoted eight "
            "months ago to lead four regions."
        ),
    )
    goals: list[Text] = Field(
        [],
        description=(
            "The goals agreed at kickoff, one per line. Example: [Lead the rollout through her directors]"
        ),
    )
    expected_outcomes: list[Text] = Field(
        [],
        description=(
            "What will be different, and by when. Example: [Directors own regional decisions by Q3]"
        ),
    )
    commitment: Commitment | None = Field(
        None,
        description="Who committed, and when. Example: {client: true, team: true, confirmed: 2026-02-04}",
    )


class OneOnOne(Item):
    date: Date = Field(
        description="Date of the one-on-one recap with the client, YYYY-MM-DD. Example: 2026-02-06"
    )
    recap: Annotated[Text | None, ClientLevel] = Field(
        None,
        description=(
            "What the recap covered (client-level). Example: Expectations restated; confidentiality agreed."
        ),
    )


class Interview(Item):
    default_visibility: ClassVar[Level] = Level.COACH
    date: Date = Field(description="Date of the in-depth interview, YYYY-MM-DD. Example: 2026-02-10")
    notes: Annotated[Text | None, CoachLevel] = Field(
        None,
        description=(
            "The coach's notes; coach-only whatever visibility says. Example: Career history and motivations."
        ),
    )


class Awareness(Model):
    planned: Period | None = Field(
        None,
        description="Planned dates of the awareness stage. Example: {start: 2026-02-02, end: 2026-02-20}",
    )
    kickoff: Kickoff | None = Field(
        None,
        description=(
            "The kickoff meeting with the client team: attendees, background, goals, outcomes, commitment"
        ),
    )
    one_on_one: OneOnOne | None = Field(
        None,
        description=(
            "The one-on-one recap with the client after kickoff. Example: {date: 2026-02-06, recap: ...}"
        ),
    )
    interview: Interview | None = Field(
        None,
        description=(
            "The in-depth interview; coach-only by default. Example: {date: 2026-02-10, notes: ...}"
        ),
    )


# --- analysis ---------------------------------------------------------------


class Assessment(Item):
    model_config = ConfigDict(coerce_numbers_to_str=True)  # `kind: 360` is a YAML integer
    default_visibility: ClassVar[Level] = Level.CLIENT
    name: Text = Field(description="Name of the assessment. Example: Leadership 360")
    kind: Text = Field(description="Kind of assessment. Example: 360, psychometric")
    date: Date | None = Field(None, description="When it was taken, YYYY-MM-DD. Example: 2026-02-20")
    summary: Annotated[Text | None, ClientLevel] = Field(
        None,
        description=(
            "What it showed (client-level unless visibility: sponsor). Example: "
            "High drive; lower on delegation."
        ),
    )


class StakeholderInterviews(Item):
    count: Annotated[int, Field(ge=0)] = Field(
        description="How many stakeholders were interviewed (0 or more). Example: 8"
    )
    completed: Date | None = Field(
        None, description="When the interviews were completed, YYYY-MM-DD. Example: 2026-02-27"
    )
    themes: list[Text] = Field(
        [], description="Themes heard, without names. Example: [Directors want more room to decide]"
    )


class Competency(Item):
    id: ItemId = Field(
        description=(
            "Short id that needs and goals refer to: letters, digits, '-' and '_'. Example: delegation"
        )
    )
    name: Text = Field(description="The competency's name. Example: Strategic delegation")
    why: Text | None = Field(
        None, description="Why it matters for this client now. Example: Four regions must move in parallel."
    )


class Strength(Item):
    text: Text = Field(description="The strength. Example: Deep operational expertise")
    newly_discovered: bool = Field(False, description="true when the assessment revealed it. Example: false")


class DevelopmentNeed(Item):
    text: Text = Field(
        description="The development need. Example: Steps in to solve problems her directors own"
    )
    competency: ItemId | None = Field(
        None, description="Id of the competency it belongs to (from competencies). Example: delegation"
    )
    blind_spot: bool = Field(False, description="true when the client was not aware of it. Example: true")


class Goal(Item):
    id: ItemId = Field(
        description="Short id that actions and surveys refer to: letters, digits, '-' and '_'. Example: G1"
    )
    competency: ItemId = Field(
        description="Id of the competency this goal develops (from competencies). Example: delegation"
    )
    goal: Text = Field(
        description=(
            "The goal, as a behaviour others can see. Example: Hand regional decisions to the directors"
        )
    )
    measures: list[Text] = Field(
        [], description="How progress is measured. Example: [Directors present their own plans]"
    )
    target: Date | None = Field(None, description="Target date, YYYY-MM-DD. Example: 2026-08-31")


class Plan(Item):
    finalized: Date | None = Field(
        None, description="When the development plan was finalized, YYYY-MM-DD. Example: 2026-03-06"
    )
    shared_with: list[Attendee] = Field(
        [], description="Who the plan was shared with (attendee roles). Example: [manager, hr]"
    )
    goals: list[Goal] = Field([], description="The plan's goals: {id, competency, goal, measures, target}")


class Calls(Item):
    cadence: Text = Field(description="How often coaching calls take place. Example: every 2 weeks")
    mode: SessionMode = Field(description="How they take place: video, phone or in-person. Example: video")
    first: Date | None = Field(None, description="Date of the first call, YYYY-MM-DD. Example: 2026-03-12")
    until: Date | None = Field(
        None, description="Calls are planned until this date, YYYY-MM-DD. Example: 2026-09-30"
    )
    time: TimeOfDay | None = Field(
        None, description='Time of day of the calls, "HH:MM" (24-hour). Example: "14:00"'
    )


class Analysis(Model):
    planned: Period | None = Field(
        None,
        description="Planned dates of the analysis stage. Example: {start: 2026-02-16, end: 2026-03-13}",
    )
    assessments: list[Assessment] = Field(
        [], description="Assessments taken (client-level by default): {name, kind, date, summary}"
    )
    stakeholder_interviews: StakeholderInterviews | None = Field(
        None, description="Stakeholder interviews: {count, completed, themes}"
    )
    competencies: list[Competency] = Field(
        [], description="Target competencies: {id, name, why}; ids are referenced by needs and goals"
    )
    strengths: list[Strength] = Field([], description="Strengths found: {text, newly_discovered}")
    development_needs: list[DevelopmentNeed] = Field(
        [], description="Development needs, blind spots too: {text, competency, blind_spot}"
    )
    plan: Plan | None = Field(
        None, description="The individual development plan: {finalized, shared_with, goals}"
    )
    calls: Calls | None = Field(
        None, description="The schedule of coaching calls: {cadence, mode, first, until}"
    )


# --- action -----------------------------------------------------------------


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


# --- achievement ------------------------------------------------------------


class SurveyComment(Item):
    default_visibility: ClassVar[Level] = Level.CLIENT
    group: Text | None = Field(
        None, description="The rater group the comment came from. Example: direct-reports"
    )
    text: Annotated[Text, ClientLevel] = Field(
        description="The comment (client-level). Example: She now asks what we think before deciding."
    )


class SurveyResult(Item):
    goal: ItemId = Field(description="Id of the plan goal the ratings are about. Example: G1")
    groups: Annotated[dict[Text, list[Rating]], CoachLevel] = Field(
        {},
        description=(
            "Ratings per rater group on the -3..+3 scale (0 = no change); "
            "individual ratings are coach-only. Example: {manager: [2], peers: [1, "
            "0, 1]}"
        ),
    )
    comments: list[SurveyComment] = Field(
        [], description="Stakeholders' comments (client-level): {group, text}"
    )
    # Computed from `groups` when the file is loaded, so that the anonymous
    # aggregate survives redaction of the individual ratings.
    aggregate: SkipJsonSchema[SurveyAggregate | None] = None

    @model_validator(mode="before")
    @classmethod
    def _aggregate_is_computed(cls, data: Any) -> Any:
        return refuse_computed(data, "aggregate")

    @model_validator(mode="after")
    def _compute_aggregate(self) -> SurveyResult:
        if self.aggregate is None:
            object.__setattr__(self, "aggregate", aggregate_groups(self.groups))
        return self


class Survey(Item):
    round: Annotated[int, Field(ge=1)] = Field(
        description="Number of the survey round, 1 or more, unique in the file. Example: 1"
    )
    sent: Date = Field(description="When the survey was sent, YYYY-MM-DD. Example: 2026-06-01")
    closed: Date | None = Field(
        None, description="When it closed, YYYY-MM-DD, not before sent. Example: 2026-06-12"
    )
    discussed: Date | None = Field(
        None, description="When the results were discussed with the client, YYYY-MM-DD. Example: 2026-06-18"
    )
    results: list[SurveyResult] = Field([], description="Results per plan goal: {goal, groups, comments}")
    corrected: Date | None = Field(
        None,
        description=(
            "Only to publish a correction of a closed round's ratings or comments, YYYY-MM-DD,"
            " after closed and not after today: changes committed on or before it are"
            " accepted; readers see 'Corrected on DATE'. Example: 2026-06-20"
        ),
    )


class CourseCorrection(Item):
    date: Date = Field(description="When the plan was corrected, YYYY-MM-DD. Example: 2026-06-18")
    change: Text = Field(description="What changed. Example: Added A5 to gather feedforward on listening")
    reason: Text | None = Field(None, description="Why. Example: G2 ratings from direct reports were flat.")


class ExpectationsMet(Item):
    date: Date = Field(
        description="When everyone agreed that expectations are met, YYYY-MM-DD. Example: 2026-10-15"
    )
    agreed_by: list[Attendee] = Field(
        [], description="Who agreed (attendee roles). Example: [client, manager, hr]"
    )


class PhaseDown(Item):
    start: Date = Field(description="When coaching started to phase down, YYYY-MM-DD. Example: 2026-10-01")
    end: Date | None = Field(None, description="When the phase-down ends, YYYY-MM-DD. Example: 2026-11-15")
    cadence: Text | None = Field(
        None, description="How often sessions take place meanwhile. Example: monthly"
    )


class FollowUp(Item):
    date: Date = Field(description="Date of the formal follow-up, YYYY-MM-DD. Example: 2026-11-20")
    feedback: Annotated[Text | None, ClientLevel] = Field(
        None,
        description=(
            "Feedback gathered at the follow-up (client-level). Example: Directors "
            "now run the monthly review."
        ),
    )
    accomplishments: list[Text] = Field(
        [], description="What was accomplished. Example: [Directors own regional decisions]"
    )


class FinalReport(Item):
    date: Date = Field(description="Date of the final report, YYYY-MM-DD. Example: 2026-11-30")
    summary: Text = Field(
        description="Summary of the engagement's outcome. Example: Dana now leads through her directors."
    )
    outcomes: list[Text] = Field(
        [], description="Outcomes achieved. Example: [Escalations to the COO down by half]"
    )
    recommendations: list[Text] = Field(
        [], description="Recommendations for what comes next. Example: [Quarterly check-ins with HR]"
    )


class Achievement(Model):
    planned: Period | None = Field(
        None,
        description="Planned dates of the achievement stage. Example: {start: 2026-09-01, end: 2026-11-30}",
    )
    surveys: list[Survey] = Field(
        [], description="Stakeholder mini-surveys: {round, sent, closed, discussed, results}"
    )
    course_corrections: list[CourseCorrection] = Field(
        [], description="Changes to the plan: {date, change, reason}"
    )
    expectations_met: ExpectationsMet | None = Field(
        None, description="Agreement that expectations are met: {date, agreed_by}, or null until then"
    )
    phase_down: PhaseDown | None = Field(
        None, description="The phase-down of coaching: {start, end, cadence}, or null"
    )
    follow_up: FollowUp | None = Field(
        None, description="The formal follow-up: {date, feedback, accomplishments}, or null"
    )
    final_report: FinalReport | None = Field(
        None, description="The final report: {date, summary, outcomes, recommendations}, or null"
    )


class Stages(Model):
    awareness: Awareness = Field(
        Awareness(),
        description="Stage 1: kickoff with the client team, one-on-one recap, in-depth interview",
    )
    analysis: Analysis = Field(
        Analysis(),
        description=(
            "Stage 2: assessments, stakeholder interviews, competencies, the "
            "development plan, the call schedule"
        ),
    )
    action: Action = Field(Action(), description="Stage 3: the action checklist and the session log")
    achievement: Achievement = Field(
        Achievement(),
        description=(
            "Stage 4: mini-surveys, course corrections, expectations met, phase-down, follow-up, final report"
        ),
    )


class Engagement(Model):
    id: Id = Field(
        description=(
            "URL slug of the engagement: lower-case letters, digits and dashes; "
            "visible to the host, so never the client's name. Example: nw-ops-2026"
        )
    )
    title: Text = Field(description="The programme's name. Example: Operations leadership programme")
    stage: Stage = Field(
        description="Current stage: awareness, analysis, action, achievement or closed. Example: action"
    )
    start: Date = Field(description="Start date, YYYY-MM-DD. Example: 2026-02-02")
    end: Date = Field(description="Planned end date, YYYY-MM-DD, not before start. Example: 2026-11-30")
    client: Client = Field(description="The coached executive: {name, role, organization}")
    coach: Coach = Field(description="The coach: {name, email}")
    sponsor: Sponsor | None = Field(None, description="The sponsoring executive: {name, role}")
    programme: Text | None = Field(
        None,
        description="The programme (cohort) the engagement belongs to. Example: Northwind leadership 2026",
    )
    contract: Contract | None = Field(
        None,
        description="What was contracted: {sessions, hours, until}, any of them. Example: {sessions: 12}",
    )
    team: list[TeamMember] = Field([], description="The client team at kickoff: {name, role, relation}")
    access: list[Id] = Field(
        [],
        description=(
            "Reader ids (declared under readers: in mkdocs.yml) who may unlock this"
            " engagement. Example: [northwind-hr, marcus-lee]"
        ),
    )
    timezone: TimeZoneName | None = Field(
        None,
        description="Time zone of the times in this file (IANA name). Example: Europe/Berlin",
    )
    stages: Stages = Field(Stages(), description="The four stages: awareness, analysis, action, achievement")
