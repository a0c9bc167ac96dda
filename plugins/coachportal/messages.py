"""pydantic's validation errors, rewritten as sentences a coach can act on.

Each error is mapped back to its YAML position (the value for a bad value, the key
for an unknown key, the enclosing mapping for a missing field) and worded with what
was expected and, for near misses, a did-you-mean suggestion.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from . import checks
from .models import COMPUTED_FIELDS, Engagement
from .suggest import suggestion
from .yamltext import Loc, Positions, short

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


_TYPE_ERRORS = {
    "string_type",
    "int_type",
    "int_parsing",
    "float_type",
    "float_parsing",
    "bool_type",
    "bool_parsing",
    "list_type",
    "dict_type",
    "model_type",
    "model_attributes_type",
    "iterable_type",
    "tuple_type",
    "int_from_float",
    "string_sub_type",
    "is_instance_of",
    "mapping_type",
    "none_required",
}


def pydantic_problems(
    exc: ValidationError, data: Any, pos: Positions
) -> list[tuple[Loc, tuple[int, int], str]]:
    out: list[tuple[Loc, tuple[int, int], str]] = []
    for err in exc.errors(include_url=False):
        try:
            loc: Loc = tuple(err["loc"])
            kind = err["type"]
            value = err.get("input")
            ctx = err.get("ctx") or {}
            ann = _annotation_at(loc)
            expected = _describe(ann) if ann is not None else None
            where = pos.value(loc)

            if loc and loc[-1] == "[key]":
                loc = loc[:-1]
                where = pos.key(loc)
                reason = "an empty name" if kind == "string_too_short" else f"the name '{short(value)}'"
                out.append((loc, where, f"{reason} is not allowed here (expected a non-empty name)"))
                continue
            if kind == "missing":
                parent = loc[:-1]
                name = str(loc[-1])
                out.append(
                    (
                        loc,
                        pos.value(parent),
                        f"required field '{name}' is missing (expected {expected or 'a value'})",
                    )
                )
            elif kind == "extra_forbidden":
                parent_ann = _unwrap(_annotation_at(loc[:-1]))
                names = (
                    list(parent_ann.model_fields)
                    if isinstance(parent_ann, type) and issubclass(parent_ann, BaseModel)
                    else []
                )
                names = [n for n in names if n not in COMPUTED_FIELDS]
                name = str(loc[-1])
                if name == "<key>":
                    continue
                # No field name has a space: such a "key" is usually the rest of a text
                # that a comma cut short inside `{...}`.
                hint = (
                    "; a comma inside {...} ends a value: put text with commas in quotes"
                    if " " in name
                    else ""
                )
                out.append(
                    (
                        loc,
                        pos.key(loc),
                        f"unknown field '{short(name)}'{suggestion(name, names)}{hint} "
                        f"(expected one of: {', '.join(names)})",
                    )
                )
            elif kind == "literal_error":
                choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
                if isinstance(value, str):
                    msg = f"unknown value '{short(value)}'{suggestion(value, choices)}"
                else:
                    msg = f"got {_got(value)}"
                out.append((loc, where, f"{msg} (expected one of: {', '.join(choices)})"))
            elif kind.startswith("date"):
                out.append((loc, where, f"{_bad_date(value)} (expected a date as YYYY-MM-DD)"))
            elif kind == "string_pattern_mismatch" and isinstance(value, str):
                item_id = "A-Z" in str(ctx.get("pattern", ""))
                message = checks.id_problem(value, item_id=item_id) or f"'{short(value)}' is not valid"
                out.append((loc, where, message))
            elif kind == "string_too_short":
                out.append((loc, where, f"the text is empty (expected {expected or 'text'})"))
            elif kind == "string_too_long":
                out.append(
                    (
                        loc,
                        where,
                        f"the text is too long: {len(value):,} characters "
                        f"(expected at most {ctx.get('max_length'):,})",
                    )
                )
            elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
                if "groups" in loc and isinstance(loc[-1], int):
                    out.append(
                        (
                            loc,
                            where,
                            f"rating {value} is outside the survey scale "
                            "(expected a whole number from -3 to +3)",
                        )
                    )
                else:
                    bound = {
                        "greater_than_equal": f"{ctx.get('ge')} or more",
                        "less_than_equal": f"{ctx.get('le')} or less",
                        "greater_than": f"more than {ctx.get('gt')}",
                        "less_than": f"less than {ctx.get('lt')}",
                    }[kind]
                    out.append((loc, where, f"{value} is out of range (expected {bound})"))
            elif kind in _TYPE_ERRORS:
                if kind == "int_from_float":
                    expected = "a whole number"
                out.append((loc, where, f"got {_got(value)} (expected {expected or err['msg'].lower()})"))
            elif kind == "value_error":
                msg = str(err["msg"]).removeprefix("Value error, ")
                computed = next((f for f in COMPUTED_FIELDS if f"'{f}'" in msg), None)
                if computed:
                    loc = (*loc, computed)
                    where = pos.key(loc)
                    msg = (
                        f"'{computed}' is computed by the portal "
                        f"(expected no {computed}: remove it from the file)"
                    )
                out.append((loc, where, msg))
            else:
                out.append((loc, where, f"{err['msg']} (expected {expected or 'a valid value'})"))
        except Exception:  # a wording bug must not hide the problem itself
            fallback = tuple(err["loc"])
            out.append((fallback, pos.value(fallback), f"{err['msg']} (expected a valid value)"))
    # "unknown field 'titel'; did you mean 'title'?" already says that 'title' is missing.
    suggested = {
        (*loc[:-1], m.group(1))
        for loc, _, msg in out
        if (m := re.match(r"unknown field '[^']*'; did you mean '([^']*)'\?", msg))
    }
    return [
        (loc, where, msg)
        for loc, where, msg in out
        if not (loc in suggested and msg.startswith("required field"))
    ]
