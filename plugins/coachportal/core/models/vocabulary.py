"""The closed sets of values a file may use (stages, people, action kinds, ...), each with its labels.

Each closed set has its labels beside it; a test checks that every value of the Literal
has one (a gap would otherwise show the raw value on a page). Labels are English message
ids, marked with N_ for extraction and translated where they are shown (``Translator.label``).
"""

from __future__ import annotations

from typing import Literal

from ..i18n import N_, NC_

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
