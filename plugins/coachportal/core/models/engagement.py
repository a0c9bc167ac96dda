"""One engagement file: who, when, which stage, and the four stages."""

from __future__ import annotations

from pydantic import Field

from ..clock import TimeZoneName
from .achievement import Achievement
from .action import Action
from .analysis import Analysis
from .awareness import Awareness
from .base import Date, Id, Model, Text
from .people import Client, Coach, Contract, Sponsor, TeamMember
from .vocabulary import Stage


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
