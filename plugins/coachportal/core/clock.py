"""Times of day and time zones in engagement files: ``time: "14:00"``, ``timezone: Europe/Berlin``;
and what day it is for a build or an edit (:func:`today`).

Both stay the strings the coach wrote (nothing changes on its way in); the validators
only refuse what is not one. A time is 24-hour ``HH:MM``; a time zone is an IANA name
that the system's time-zone database knows.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zoneinfo
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
TIME_PATTERN = _TIME_RE.pattern


def _time_of_day(value: Any) -> Any:
    if isinstance(value, str) and _TIME_RE.match(value):
        return value
    raise ValueError(f'{value!r} is not a time of day (expected 24-hour "HH:MM" in quotes, e.g. "14:00")')


def _time_zone(value: Any) -> Any:
    if isinstance(value, str) and value and ".." not in value and not value.startswith("/"):
        try:
            zoneinfo.ZoneInfo(value)
            return value
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    raise ValueError(
        f"{value!r} is not a time zone (expected an IANA name, e.g. Europe/Berlin or America/New_York)"
    )


TimeOfDay = Annotated[str, BeforeValidator(_time_of_day), Field(json_schema_extra={"pattern": TIME_PATTERN})]
TimeZoneName = Annotated[str, BeforeValidator(_time_zone)]


def time_of_day(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def today(configured: dt.date | None = None, environ: Mapping[str, str] = os.environ) -> dt.date:
    """The build's notion of today: COACHPORTAL_TODAY=YYYY-MM-DD (reproducible builds), else
    the plugin's ``today:`` option (the demo, always mid-stream), else the calendar's."""
    pinned = environ.get("COACHPORTAL_TODAY")
    if pinned:
        return dt.date.fromisoformat(pinned)
    return configured or dt.date.today()
