"""Editors' help: every property of the engagement JSON Schema says what it is, its format and an example."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from clirun import coachportal
from coachportal.core.schema import engagement_json_schema
from tmpportal import EXAMPLES, REPO


def _properties(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (path, property schema) under any `properties` of the schema, $defs included."""
    if isinstance(node, dict):
        for name, sub in (node.get("properties") or {}).items():
            yield f"{where}/properties/{name}", sub
        for key, value in node.items():
            yield from _properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _properties(value, f"{where}/{index}")


def test_every_property_has_a_description() -> None:
    found = list(_properties(engagement_json_schema()))
    assert len(found) > 100
    missing = [path for path, prop in found if not str(prop.get("description", "")).strip()]
    assert missing == [], "add Field(description=...) in core/models/ for: " + ", ".join(missing)


def test_descriptions_name_a_format_or_an_example_for_scalars() -> None:
    for path, prop in _properties(engagement_json_schema()):
        text = prop["description"]
        scalar = prop.get("type") in {"string", "integer", "boolean"} or prop.get("format") == "date"
        if scalar:
            assert "Example" in text or "true" in text or "YYYY-MM-DD" in text, path


def test_the_schema_command_writes_what_is_committed(tmp_path) -> None:
    result = coachportal("schema", "-o", "out.json", cwd=tmp_path)
    assert result.returncode == 0
    assert (tmp_path / "out.json").read_text() == (REPO / "engagement.schema.json").read_text()


def test_the_reference_file_still_loads() -> None:
    from coachportal.load.loader import load_engagement

    assert load_engagement(EXAMPLES / "engagement.yml").id == "nw-ops-2026"
