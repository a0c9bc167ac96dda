"""Load engagement files: ruamel.yaml -> pydantic, problems mapped to file:line:column.

(Minimal first version; see the bad-input issue for the full loader.)
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError
from ruamel.yaml import YAML

from .errors import EngagementError, Problem
from .models import Engagement


def load_engagement(path: Path) -> Engagement:
    yaml = YAML(typ="rt")
    data = yaml.load(path.read_text(encoding="utf-8"))
    try:
        return Engagement.model_validate(data)
    except ValidationError as exc:
        raise EngagementError(
            [Problem(path, 1, 1, ".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors()]
        ) from None


def load_engagements(directory: Path) -> list[Engagement]:
    """Every ``*.yml``/``*.yaml`` file of ``directory``, sorted by id; all problems at once."""
    engagements: list[Engagement] = []
    problems: list[Problem] = []
    for path in sorted([*directory.glob("*.yml"), *directory.glob("*.yaml")]):
        try:
            engagements.append(load_engagement(path))
        except EngagementError as exc:
            problems.extend(exc.problems)
    if problems:
        raise EngagementError(problems)
    return sorted(engagements, key=lambda e: e.id)
