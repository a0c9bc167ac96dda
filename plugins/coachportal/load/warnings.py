"""Warnings about valid engagement files, placed like problems (``path:line:column: field:``).

A warning does not stop the build or ``validate``: a contract used beyond what was bought,
or ending before the engagement, is something to talk about, not an error in the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..core.errors import Problem
from ..core.models import Engagement
from ..derive.programme import contract_warnings
from .loader import _parse, engagement_files
from .yamltext import read_text


def contract_problems(paths: Iterable[Path], engagements: Iterable[Engagement]) -> list[Problem]:
    """Every contract warning of ``engagements``, placed in the file (of ``paths``) that holds it."""
    by_id = {e.id: e for e in engagements}
    out: list[Problem] = []
    for path in paths:
        located = _parse(read_text(path))  # the loader's cached parse of the same text
        data = located.data
        ident = data.get("id") if isinstance(data, dict) else None
        if not isinstance(ident, str) or ident not in by_id:
            continue
        for loc, message in contract_warnings(by_id[ident]):
            line, column = located.positions.value(loc)
            out.append(Problem(path, line, column, ".".join(loc), message))
    return out


def directory_contract_problems(directory: Path, engagements: Iterable[Engagement]) -> list[Problem]:
    return contract_problems(engagement_files(directory), engagements)


__all__ = ["contract_problems", "directory_contract_problems"]
