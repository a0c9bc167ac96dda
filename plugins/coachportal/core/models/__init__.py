"""Typed model of one engagement file (the contract with coaches).

Every field of ``shared/examples/*.yml`` is modelled in this package: one module per
part of the file (people, the four stages, the engagement itself) on top of the levels,
the closed vocabularies and the base types; this module names them all. Each model knows its
visibility: ``default_visibility`` is the level of the whole item when the YAML
does not say, and fields annotated with ``Level.CLIENT`` / ``Level.COACH`` are
more private than the item that holds them (see DESIGN.md, "Audiences and
visibility"). The redaction step reads this metadata; nothing else does.

Cross-field checks (references, unique ids, date order) live in ``checks.py`` so
that they can report every problem with its YAML location at once.
"""

from __future__ import annotations

from .achievement import (
    Achievement,
    CourseCorrection,
    ExpectationsMet,
    FinalReport,
    FollowUp,
    PhaseDown,
    Survey,
    SurveyComment,
    SurveyResult,
)
from .action import Action, ActionItem, ActionReport, Session, SessionTotals, session_totals
from .analysis import (
    Analysis,
    Assessment,
    Calls,
    Competency,
    DevelopmentNeed,
    Goal,
    Plan,
    StakeholderInterviews,
    Strength,
)
from .awareness import Awareness, Commitment, Interview, Kickoff, OneOnOne, Period
from .base import (
    COMPUTED_FIELDS,
    ID_MAX_LENGTH,
    ID_PATTERN,
    ITEM_ID_PATTERN,
    Date,
    Id,
    Item,
    ItemId,
    Model,
    Rating,
    Text,
    refuse_computed,
)
from .engagement import Engagement, Stages
from .levels import (
    CONFIDENTIAL_NOTES,
    VIEW_DESCRIPTIONS,
    VIEW_NAMES,
    VISIBILITY_LABELS,
    ClientLevel,
    CoachLevel,
    Level,
    Visibility,
)
from .people import Client, Coach, Contract, Sponsor, TeamMember
from .vocabulary import (
    ACTION_KIND_LABELS,
    ACTION_STATUS_LABELS,
    OPEN_STATUSES,
    PERSON_IN_SENTENCE,
    PERSON_LABELS,
    REPEAT_LABELS,
    SESSION_MODE_LABELS,
    STAGE_BLURBS,
    STAGE_LABELS,
    STAGE_NAMES,
    STAGES,
    ActionKind,
    ActionStatus,
    Attendee,
    Relation,
    Repeat,
    SessionMode,
    Stage,
)

__all__ = [
    "ACTION_KIND_LABELS",
    "ACTION_STATUS_LABELS",
    "Achievement",
    "Action",
    "ActionItem",
    "ActionKind",
    "ActionReport",
    "ActionStatus",
    "Analysis",
    "Assessment",
    "Attendee",
    "Awareness",
    "COMPUTED_FIELDS",
    "CONFIDENTIAL_NOTES",
    "Calls",
    "Client",
    "ClientLevel",
    "Coach",
    "CoachLevel",
    "Commitment",
    "Competency",
    "Contract",
    "CourseCorrection",
    "Date",
    "DevelopmentNeed",
    "Engagement",
    "ExpectationsMet",
    "FinalReport",
    "FollowUp",
    "Goal",
    "ID_MAX_LENGTH",
    "ID_PATTERN",
    "ITEM_ID_PATTERN",
    "Id",
    "Interview",
    "Item",
    "ItemId",
    "Kickoff",
    "Level",
    "Model",
    "OPEN_STATUSES",
    "OneOnOne",
    "PERSON_IN_SENTENCE",
    "PERSON_LABELS",
    "Period",
    "PhaseDown",
    "Plan",
    "REPEAT_LABELS",
    "Rating",
    "Relation",
    "Repeat",
    "SESSION_MODE_LABELS",
    "STAGES",
    "STAGE_BLURBS",
    "STAGE_LABELS",
    "STAGE_NAMES",
    "Session",
    "SessionMode",
    "SessionTotals",
    "Sponsor",
    "Stage",
    "Stages",
    "StakeholderInterviews",
    "Strength",
    "Survey",
    "SurveyComment",
    "SurveyResult",
    "TeamMember",
    "Text",
    "VIEW_DESCRIPTIONS",
    "VIEW_NAMES",
    "VISIBILITY_LABELS",
    "Visibility",
    "refuse_computed",
    "session_totals",
]
