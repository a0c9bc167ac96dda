"""Did-you-mean suggestions for misspelt keys, enum values and references."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest of ``choices`` to ``word`` (ignoring case, '_' vs '-' vs ' '), or None."""
    choices = list(choices)

    def norm(s: str) -> str:
        return re.sub(r"[\s_-]+", "-", s.strip().lower())

    by_norm = {norm(c): c for c in choices}
    if norm(word) in by_norm:
        return by_norm[norm(word)]
    close = difflib.get_close_matches(norm(word), list(by_norm), n=1, cutoff=0.6)
    return by_norm[close[0]] if close else None


def suggestion(word: str, choices: Iterable[str]) -> str:
    best = did_you_mean(word, choices)
    return f"; did you mean '{best}'?" if best and best != word else ""
