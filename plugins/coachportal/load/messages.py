"""pydantic's validation errors, rewritten as sentences a coach can act on.

Each error is mapped back to its YAML position (the value for a bad value, the key
for an unknown key, the enclosing mapping for a missing field) and worded with what
was expected and, for near misses, a did-you-mean suggestion.

:data:`FORMATTERS` maps pydantic's error type (``err["type"]``) to the function that
words it; our own validators raise ``PydanticCustomError`` with a type of their own
(``computed_field``, ``date_type``), so no message text is ever matched. A type
without a formatter keeps pydantic's sentence with what the model expects there.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from ..core import checks
from ..core.models import COMPUTED_FIELDS, Engagement
from ..core.suggest import did_you_mean, suggestion
from .positions import Loc, Positions, short

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


# --- pydantic errors -> sentences -------------------------------------------


def _unwrap(ann: Any) -> Any:
    """Strip Annotated[...] and ``| None``."""
    while True:
        origin = typing.get_origin(ann)
        if origin is typing.Annotated:
            ann = typing.get_args(ann)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(ann) if a is not type(None)]
            if len(args) != 1:
                return ann
            ann = args[0]
        else:
            return ann


def _annotation_at(loc: Loc) -> Any:
    """The type expected at ``loc`` in the Engagement model, or None when unknown."""
    ann: Any = Engagement
    for part in loc:
        ann = _unwrap(ann)
        origin = typing.get_origin(ann)
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            info = ann.model_fields.get(str(part))
            if info is None:
                return None
            ann = info.annotation
        elif origin is list and isinstance(part, int):
            ann = typing.get_args(ann)[0]
        elif origin is dict and isinstance(part, str):
            ann = typing.get_args(ann)[1]
        else:
            return None
    return ann


def _model_label(model: type) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()


def _describe(ann: Any, plural: bool = False) -> str:
    """'text', 'a date as YYYY-MM-DD', 'a list of text', ..."""
    ann = _unwrap(ann)
    origin = typing.get_origin(ann)
    if ann is str:
        return "text"
    if ann is bool:
        return "true or false values" if plural else "true or false"
    if ann is int:
        return "whole numbers" if plural else "a whole number"
    if ann is dt.date:
        return "dates as YYYY-MM-DD" if plural else "a date as YYYY-MM-DD"
    if origin is typing.Literal:
        choices = ", ".join(str(a) for a in typing.get_args(ann))
        return f"values from: {choices}" if plural else f"one of: {choices}"
    if origin is list:
        return f"a list of {_describe(typing.get_args(ann)[0], plural=True)}"
    if origin is dict:
        return f"a mapping of names to {_describe(typing.get_args(ann)[1], plural=True)}"
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        label = _model_label(ann)
        return f"{label} mappings" if plural else f"a mapping of {label} fields"
    return "a valid value"


def _got(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"the true/false value {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{short(value)}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "a value of another kind"


def _bad_date(value: Any) -> str:
    if isinstance(value, str):
        m = _ISO_DATE.match(value.strip())
        if m:
            year, month, day = (int(g) for g in m.groups())
            if not 1 <= month <= 12:
                return f"not a valid date: '{value}' has no month {month}"
            days = calendar.monthrange(year, month)[1]
            if not 1 <= day <= days:
                name = calendar.month_name[month]
                ordinal = _ordinal(day)
                extra = f" in {year}" if month == 2 and day == 29 else ""
                return f"not a valid date: {name} has no {ordinal} day{extra}"
        if re.match(r"^\d{4}-\d{1,2}-\d{1,2}[Tt ]", value.strip()):
            return f"'{short(value)}' has a time of day"
        return f"'{short(value)}' is not a date"
    return f"got {_got(value)}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# --- one formatter per pydantic error type -----------------------------------

Found = tuple[Loc, tuple[int, int], str]  # field path, (line, column), message


@dataclass(frozen=True)
class _Error:
    """One pydantic error with what every formatter needs."""

    loc: Loc
    kind: str  # pydantic's error type, or ours (PydanticCustomError in core/models/)
    value: Any
    ctx: dict[str, Any]
    msg: str  # pydantic's own sentence: only for types no formatter knows
    pos: Positions

    @property
    def where(self) -> tuple[int, int]:
        return self.pos.value(self.loc)

    @property
    def expected(self) -> str | None:
        ann = _annotation_at(self.loc)
        return _describe(ann) if ann is not None else None

    def found(self, message: str) -> Found:
        return (self.loc, self.where, message)


def _missing(e: _Error) -> Found:
    name = str(e.loc[-1])
    message = f"required field '{name}' is missing (expected {e.expected or 'a value'})"
    return (e.loc, e.pos.value(e.loc[:-1]), message)  # at the mapping that lacks it


def _field_names(loc: Loc) -> list[str]:
    """The fields a coach may write in the model at ``loc`` (not the computed ones)."""
    model = _unwrap(_annotation_at(loc))
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return []
    return [n for n in model.model_fields if n not in COMPUTED_FIELDS]


def _unknown_field(e: _Error) -> Found | None:
    name = str(e.loc[-1])
    if name == "<key>":  # a key that is not text: reported by yamltext
        return None
    names = _field_names(e.loc[:-1])
    # No field name has a space: such a "key" is usually the rest of a text that a
    # comma cut short inside `{...}`.
    hint = "; a comma inside {...} ends a value: put text with commas in quotes" if " " in name else ""
    message = (
        f"unknown field '{short(name)}'{suggestion(name, names)}{hint} (expected one of: {', '.join(names)})"
    )
    return (e.loc, e.pos.key(e.loc), message)


def _unknown_value(e: _Error) -> Found:
    choices = re.findall(r"'([^']*)'", str(e.ctx.get("expected", "")))
    if isinstance(e.value, str):
        got = f"unknown value '{short(e.value)}'{suggestion(e.value, choices)}"
    else:
        got = f"got {_got(e.value)}"
    return e.found(f"{got} (expected one of: {', '.join(choices)})")


def _not_a_date(e: _Error) -> Found:
    return e.found(f"{_bad_date(e.value)} (expected a date as YYYY-MM-DD)")


def _bad_id(e: _Error) -> Found:
    if not isinstance(e.value, str):
        return _other(e)
    item_id = "A-Z" in str(e.ctx.get("pattern", ""))  # the goal/competency/action id pattern
    return e.found(checks.id_problem(e.value, item_id=item_id) or f"'{short(e.value)}' is not valid")


def _empty_text(e: _Error) -> Found:
    return e.found(f"the text is empty (expected {e.expected or 'text'})")


def _long_text(e: _Error) -> Found:
    return e.found(
        f"the text is too long: {len(e.value):,} characters (expected at most {e.ctx.get('max_length'):,})"
    )


_BOUNDS = {
    "greater_than_equal": ("ge", "{} or more"),
    "less_than_equal": ("le", "{} or less"),
    "greater_than": ("gt", "more than {}"),
    "less_than": ("lt", "less than {}"),
}


def _out_of_range(e: _Error) -> Found:
    if "groups" in e.loc and isinstance(e.loc[-1], int):  # a survey rating
        return e.found(
            f"rating {e.value} is outside the survey scale (expected a whole number from -3 to +3)"
        )
    name, wording = _BOUNDS[e.kind]
    return e.found(f"{e.value} is out of range (expected {wording.format(e.ctx.get(name))})")


def _wrong_type(e: _Error) -> Found:
    expected = "a whole number" if e.kind == "int_from_float" else e.expected or e.msg.lower()
    return e.found(f"got {_got(e.value)} (expected {expected})")


def _computed(e: _Error) -> Found:
    field = str(e.ctx["field"])
    loc = (*e.loc, field)
    return (
        loc,
        e.pos.key(loc),
        f"'{field}' is computed by the portal (expected no {field}: remove it from the file)",
    )


def _value_error(e: _Error) -> Found:
    # a plain ValueError of a validator: its text already says what was expected
    return e.found(e.msg.removeprefix("Value error, "))


def _other(e: _Error) -> Found:
    return e.found(f"{e.msg} (expected {e.expected or 'a valid value'})")


_WRONG_TYPES = (
    "string_type int_type int_parsing float_type float_parsing bool_type bool_parsing list_type dict_type "
    "model_type model_attributes_type iterable_type tuple_type int_from_float "
    "is_instance_of mapping_type none_required"
)
_DATE_ERRORS = (
    "date_type date_parsing date_from_datetime_parsing date_from_datetime_inexact date_past date_future"
)

FORMATTERS: dict[str, Callable[[_Error], Found | None]] = {
    "missing": _missing,
    "extra_forbidden": _unknown_field,
    "literal_error": _unknown_value,
    "string_pattern_mismatch": _bad_id,
    "string_too_short": _empty_text,
    "string_too_long": _long_text,
    **dict.fromkeys(_BOUNDS, _out_of_range),
    **dict.fromkeys(_WRONG_TYPES.split(), _wrong_type),
    **dict.fromkeys(_DATE_ERRORS.split(), _not_a_date),
    "computed_field": _computed,  # models.SurveyResult.aggregate, models.Action.totals
    "value_error": _value_error,
}


def _bad_key(e: _Error) -> Found:
    """An error about a mapping key itself (``loc`` ends in pydantic's '[key]')."""
    loc = e.loc[:-1]
    reason = "an empty name" if e.kind == "string_too_short" else f"the name '{short(e.value)}'"
    return (loc, e.pos.key(loc), f"{reason} is not allowed here (expected a non-empty name)")


def _one(err: Any, pos: Positions) -> Found | None:
    e = _Error(tuple(err["loc"]), err["type"], err.get("input"), err.get("ctx") or {}, str(err["msg"]), pos)
    if e.loc and e.loc[-1] == "[key]":
        return _bad_key(e)
    return FORMATTERS.get(e.kind, _other)(e)


def pydantic_problems(exc: ValidationError, data: Any, pos: Positions) -> list[Found]:
    """Every error of ``exc`` as (field path, position, sentence)."""
    errors = exc.errors(include_url=False)
    implied = _implied_missing(errors)
    out: list[Found] = []
    for err in errors:
        if err["type"] == "missing" and tuple(err["loc"]) in implied:
            continue
        try:
            found = _one(err, pos)
        except Exception:  # a wording bug must not hide the problem itself
            loc = tuple(err["loc"])
            found = (loc, pos.value(loc), f"{err['msg']} (expected a valid value)")
        if found is not None:
            out.append(found)
    return out


def _implied_missing(errors: list[Any]) -> set[Loc]:
    """Missing fields that an unknown field's did-you-mean already names ('titel' -> 'title')."""
    implied: set[Loc] = set()
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "extra_forbidden" and loc:
            best = did_you_mean(str(loc[-1]), _field_names(loc[:-1]))
            if best is not None and best != loc[-1]:
                implied.add((*loc[:-1], best))
    return implied
