"""Stage 4, achievement: surveys, course corrections, expectations met, phase-down, follow-up, report."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from ..surveys import SurveyAggregate, aggregate_groups
from .awareness import Period
from .base import Date, Item, ItemId, Model, Rating, Text, refuse_computed
from .levels import ClientLevel, CoachLevel, Level
from .vocabulary import Attendee


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
