"""JSON Schema of an engagement file, for editor completion and validation.

Point an editor at it, e.g. with the YAML language server::

    # yaml-language-server: $schema=engagement.schema.json

The schema is generated from :class:`coachportal.models.Engagement`, so it never
drifts from what the loader accepts. Cross-checks (references, unique ids, date
order) cannot be expressed in JSON Schema; the loader reports those.
"""

from __future__ import annotations

from typing import Any

from .models import Engagement

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def engagement_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one engagement file."""
    schema = Engagement.model_json_schema(mode="validation")
    return {
        "$schema": SCHEMA_DIALECT,
        **schema,
        "title": "Coaching engagement",
        "description": (
            "One executive-coaching engagement for a coachportal site: the client team, the four "
            "stages (awareness, analysis, action, achievement) and who may read it. Dates are "
            "YYYY-MM-DD; ids are lowercase letters, digits and dashes."
        ),
    }
