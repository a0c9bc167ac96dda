"""Warnings about valid engagement files, placed like problems (``path:line:column: field:``).

A warning does not stop the build or ``validate``: a contract used beyond what was bought,
or ending before the engagement, is something to talk about, not an error in the file; a
value still as `coachportal new` wrote it is something to fill in.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..core.errors import Problem
from ..load.cache import ParseCache
from ..load.loader import Source
from ..load.yamltext import read_text
from .programme import contract_warnings

# What `coachportal new` writes where the coach's own words go (edit/scaffold.py uses these).
SCAFFOLD_PLACEHOLDERS: dict[tuple[str, str], str] = {
    ("client", "name"): "Client name",
    ("client", "role"): "Role",
    ("client", "organization"): "Organization",
    ("coach", "name"): "Coach name",
}


def placeholder_problems(sources: Iterable[Source], parses: ParseCache | None = None) -> list[Problem]:
    """Every value of ``sources`` still as the scaffold wrote it, placed in its file."""
    parses = parses or ParseCache(keep=False)
    out: list[Problem] = []
    for source in sources:
        left = [
            (loc, text)
            for loc, text in SCAFFOLD_PLACEHOLDERS.items()
            if getattr(getattr(source.engagement, loc[0], None), loc[1], None) == text
        ]
        if not left:
            continue
        positions = parses.parse(read_text(source.path)).positions
        for loc, text in left:
            line, column = positions.value(loc)
            message = f"still the scaffold's placeholder {text!r}: replace it with the real value"
            out.append(Problem(source.path, line, column, ".".join(loc), message))
    return out


def contract_problems(sources: Iterable[Source], parses: ParseCache | None = None) -> list[Problem]:
    """Every contract warning of ``sources``, placed in the file that holds it (``parses``:
    the loader's cache, so the files just validated are not parsed again)."""
    parses = parses or ParseCache(keep=False)
    out: list[Problem] = []
    for source in sources:
        warnings = contract_warnings(source.engagement)
        if not warnings:
            continue
        positions = parses.parse(read_text(source.path)).positions
        for loc, message in warnings:
            line, column = positions.value(loc)
            out.append(Problem(source.path, line, column, ".".join(loc), message))
    return out
