"""Stage 2, analysis: assessments, stakeholder interviews, competencies, the plan, the call schedule."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import ConfigDict, Field

from ..clock import TimeOfDay
from .awareness import Period
from .base import Date, Item, ItemId, Model, Text
from .levels import ClientLevel, Level
from .vocabulary import Attendee, SessionMode


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
