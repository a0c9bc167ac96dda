"""Stage 1, awareness: kickoff with the client team, the one-on-one recap, the in-depth interview."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field

from .base import Date, Item, Model, Text
from .levels import ClientLevel, CoachLevel, Level
from .vocabulary import Attendee


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
