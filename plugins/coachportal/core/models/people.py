"""Who takes part: the client, the coach, the sponsor, the client team, and what was contracted."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .base import Date, Item, Model, Text
from .vocabulary import Relation


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
