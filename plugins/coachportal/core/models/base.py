"""The building blocks of every model: id formats, text and date types, the base classes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from .levels import Level, Visibility

# Id formats, written once: the models validate with them, checks.id_problem words
# the message, access.py checks reader ids with the same rule.
ID_PATTERN = r"[a-z0-9][a-z0-9-]*"  # engagement and reader ids: URL slugs
ITEM_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_-]*"  # goal, competency and action ids
ID_MAX_LENGTH = 64
Id = Annotated[str, StringConstraints(pattern=f"^{ID_PATTERN}$", max_length=ID_MAX_LENGTH)]
ItemId = Annotated[str, StringConstraints(pattern=f"^{ITEM_ID_PATTERN}$", max_length=ID_MAX_LENGTH)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
Rating = Annotated[int, Field(ge=-3, le=3)]


def _no_number_as_date(value: Any) -> Any:
    # pydantic would read `start: 0` as a Unix timestamp (1970-01-01); coaches mean a date.
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise PydanticCustomError("date_type", "Input should be a valid date")
    return value


Date = Annotated[dt.date, BeforeValidator(_no_number_as_date)]

# Fields the portal computes when a file is loaded; a file must not set them.
COMPUTED_FIELDS = frozenset({"aggregate", "totals"})


def refuse_computed(data: Any, field: str) -> Any:
    """A model's input, unless it sets ``field``, which the portal computes (COMPUTED_FIELDS)."""
    if isinstance(data, dict) and field in data:
        raise PydanticCustomError("computed_field", "'{field}' is computed by the portal", {"field": field})
    return data


class Model(BaseModel):
    """Base: unknown keys are errors, values are immutable after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)
    default_visibility: ClassVar[Level] = Level.SPONSOR


class Item(Model):
    """A block or list item that may carry ``visibility:``."""

    visibility: Visibility | None = Field(
        None,
        description=(
            "Who may read this item: sponsor, client or coach (default: the item's "
            "own level). Example: visibility: client"
        ),
    )
