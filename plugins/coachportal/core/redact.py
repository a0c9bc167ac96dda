"""Redaction: drop everything above a portal's audience, before anything is rendered.

The rule (DESIGN.md, "Audiences and visibility"):

* An item's level is its explicit ``visibility:`` when the file sets one, else the
  ``default_visibility`` of its class. An item above the audience is dropped: removed
  from its list, or set to ``None`` when it is a single block.
* A field's level comes from its marker (``Annotated[..., Level.CLIENT]`` /
  ``Annotated[..., Level.COACH]``):

  - a coach-marked field stays coach-level whatever the item says;
  - a client-marked field takes the item's explicit ``visibility`` when one is set
    (that is how a coach shares an assessment summary with the sponsor), else
    ``max(CLIENT, item level)``;
  - an unmarked field follows its item.

  A field above the audience is emptied: ``None`` when it is optional, an empty
  list/dict for collections. A hidden field that can be neither (a required field)
  takes its whole item with it; nothing is ever left half-hidden.

* Survey anonymity: below the coach audience a comment keeps its group label only
  when that group has figures of its own in the aggregate (see ``surveys.py``).

The walk is generic over the model tree (``model_fields`` and their metadata), so a
new model or field is redacted by its markers without touching this module. The
result is a new model; the input is never modified.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .models import Engagement, Item, Level, SessionTotals, SurveyResult, session_totals
from .surveys import shown_group_labels

ENV_VAR = "COACHPORTAL_AUDIENCE"


class AudienceError(ValueError):
    """An audience name that is not one of sponsor, client, coach."""


def audience_from(config_value: str | None, environ: Mapping[str, str]) -> Level:
    """The portal's audience: ``COACHPORTAL_AUDIENCE`` overrides the plugin option.

    An unset or empty variable leaves the option in charge; an unset option means the
    sponsor audience (the default deploy). Names are case-insensitive; anything else
    is an error naming where the bad value came from.
    """
    env_value = environ.get(ENV_VAR, "").strip()
    if env_value:
        value, source = env_value, f"environment variable {ENV_VAR}"
    else:
        value, source = (config_value or "sponsor").strip(), "plugin option 'audience'"
    try:
        return Level.parse(value)
    except ValueError:
        raise AudienceError(
            f"{source}: {value!r} is not an audience (expected one of: {', '.join(Level.names())})"
        ) from None


def redact(engagement: Engagement, audience: Level) -> Engagement:
    """A new engagement holding only what a portal for ``audience`` may show."""
    audience = Level(audience)
    redacted = _walk_model(engagement, audience, _Context(Level.SPONSOR, None))
    if redacted is _DROP:  # pragma: no cover - the engagement itself has no level
        raise AssertionError("the engagement itself cannot be redacted away")
    if not isinstance(redacted, Engagement):  # the generic walk also serves other models
        return redacted
    return _without_orphans(engagement, redacted)


def _goal_ids(engagement: Engagement) -> set[str]:
    plan = engagement.stages.analysis.plan
    return {g.id for g in plan.goals} if plan else set()


def _totals(engagement: Engagement) -> SessionTotals:
    """Counted over every session when the file was loaded (so redacting twice changes nothing)."""
    return engagement.stages.action.totals or session_totals(engagement.stages.action.sessions)


def _without_orphans(original: Engagement, redacted: Engagement) -> Engagement:
    """Drop what points at a hidden competency or goal: an action titled after a
    client-only goal would tell the sponsor what the goal is about."""
    analysis, action, achievement = (
        redacted.stages.analysis,
        redacted.stages.action,
        redacted.stages.achievement,
    )
    competencies = {c.id for c in original.stages.analysis.competencies}
    hidden_competencies = competencies - {c.id for c in analysis.competencies}
    plan = analysis.plan
    if plan is not None and hidden_competencies:
        plan = plan.model_copy(
            update={"goals": [g for g in plan.goals if g.competency not in hidden_competencies]}
        )
    needs = [n for n in analysis.development_needs if n.competency not in hidden_competencies]
    analysis = analysis.model_copy(update={"plan": plan, "development_needs": needs})
    hidden_goals = _goal_ids(original) - ({g.id for g in plan.goals} if plan else set())
    action = action.model_copy(
        update={
            "items": [i for i in action.items if i.goal not in hidden_goals],
            # every session counts, its date and content stay where the view allows
            "totals": _totals(original).shown(action.sessions),
        }
    )
    surveys = [
        s.model_copy(update={"results": [r for r in s.results if r.goal not in hidden_goals]})
        for s in achievement.surveys
    ]
    achievement = achievement.model_copy(update={"surveys": surveys})
    stages = redacted.stages.model_copy(
        update={"analysis": analysis, "action": action, "achievement": achievement}
    )
    return redacted.model_copy(update={"stages": stages})


# --- internals ----------------------------------------------------------------


class _Drop:
    """Sentinel: the value must disappear (list element removed, block set to None)."""

    def __repr__(self) -> str:
        return "<drop>"


_DROP: Any = _Drop()


class _Context(typing.NamedTuple):
    level: Level  # level of the nearest enclosing item
    explicit: Level | None  # that item's explicit visibility, if the file set one


def _marker(field: FieldInfo) -> Level | None:
    """The privacy marker of a field: the highest ``Level`` in its metadata."""
    levels = [m for m in field.metadata if isinstance(m, Level)]
    return max(levels) if levels else None


def _item_context(model: BaseModel, outer: _Context) -> _Context:
    """The level a model's own fields start from."""
    if isinstance(model, Item):
        if model.visibility is not None:
            explicit = Level.parse(model.visibility)
            return _Context(explicit, explicit)
        return _Context(type(model).default_visibility, None)
    # A plain block (no `visibility:`) belongs to the item around it, unless its
    # class is more private than that.
    default = getattr(type(model), "default_visibility", Level.SPONSOR)
    if default > outer.level:
        return _Context(default, None)
    return outer


def _field_level(field: FieldInfo, ctx: _Context) -> Level:
    marker = _marker(field)
    if marker is None:
        return ctx.level
    if marker >= Level.COACH:
        return max(marker, ctx.level)
    if ctx.explicit is not None:
        return ctx.explicit
    return max(marker, ctx.level)


def _walk_model(model: BaseModel, audience: Level, outer: _Context) -> Any:
    ctx = _item_context(model, outer)
    if ctx.level > audience:
        return _DROP
    update: dict[str, Any] = {}
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if _field_level(field, ctx) > audience:
            hidden = _hidden_value(field, value)
        else:
            hidden = _walk_value(value, audience, ctx)
            if hidden is _DROP:  # a single block above the audience
                hidden = _hidden_value(field, value)
        if hidden is _DROP:  # a required field cannot be emptied: drop its item
            return _DROP
        update[name] = hidden
    # Nothing hidden below: the model itself (models are never changed once loaded), so that
    # a redacted engagement shares what it keeps with the validated one instead of copying it.
    unchanged = all(update[name] is getattr(model, name) for name in update)
    redacted = model if unchanged else model.model_copy(update=update)
    if isinstance(redacted, SurveyResult) and audience < Level.COACH:
        redacted = _unlabel_small_groups(redacted)
    return redacted


def _walk_value(value: Any, audience: Level, ctx: _Context) -> Any:
    if isinstance(value, BaseModel):
        return _walk_model(value, audience, ctx)
    if isinstance(value, list | tuple):
        kept = [v for v in (_walk_value(v, audience, ctx) for v in value) if v is not _DROP]
        if len(kept) == len(value) and all(k is v for k, v in zip(kept, value, strict=True)):
            return value
        return type(value)(kept)
    if isinstance(value, dict):
        out = {}
        for key, v in value.items():
            walked = _walk_value(v, audience, ctx)
            if walked is not _DROP:
                out[key] = walked
        if len(out) == len(value) and all(out[k] is v for k, v in value.items()):
            return value
        return out
    return value


def _allows_none(annotation: Any) -> bool:
    if annotation is None or annotation is type(None):
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _allows_none(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_allows_none(arg) for arg in typing.get_args(annotation))
    return False


def _hidden_value(field: FieldInfo, value: Any) -> Any:
    """What a hidden field becomes: None, an empty collection, or _DROP (its item goes)."""
    if _allows_none(field.annotation):
        return None
    if isinstance(value, list | tuple | dict | set | frozenset):
        return type(value)()
    return _DROP


def _unlabel_small_groups(result: SurveyResult) -> SurveyResult:
    """Comments keep their group label only when that group has figures of its own."""
    shown = shown_group_labels(result.aggregate)
    if all(c.group is None or c.group in shown for c in result.comments):
        return result
    comments = [
        c if c.group is None or c.group in shown else c.model_copy(update={"group": None})
        for c in result.comments
    ]
    return result.model_copy(update={"comments": comments})
