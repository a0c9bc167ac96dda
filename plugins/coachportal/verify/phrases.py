"""Engagement text as phrases, and where a text holds one of them.

A phrase is the words of one value of an engagement file, compared word by word in
lower case, so that HTML escaping, JSON escaping, line breaks and markup between the
words do not hide it. Short common values (a status, a mode, a one-word topic) would
match any page about coaching: only values of three words or more count, and the
names that identify an engagement (its title, the client, their organisation, the
sponsor and the team) whatever their length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..core.models import Engagement

_WORD = re.compile(r"\w+")
MIN_WORDS = 3  # a value of fewer words is not looked for, unless it is a name
# Parts of the file that are not engagement text: ids (the engagement's is in its URLs),
# reader ids and the coach (the portal's owner, named on its hand-written pages).
_SKIPPED_KEYS = frozenset({"id", "access", "coach", "visibility"})


def words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text.lower()))


@dataclass(frozen=True)
class Phrase:
    engagement: str  # the engagement's id
    field: str  # where in the file the value is, e.g. stages.action.items[2].title
    words: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.words)


def _names(e: Engagement) -> Iterator[tuple[str, str]]:
    yield "title", e.title
    yield "client.name", e.client.name
    yield "client.organization", e.client.organization or ""
    if e.sponsor is not None:
        yield "sponsor.name", e.sponsor.name
    for i, member in enumerate(e.team):
        yield f"team[{i}].name", member.name


def _values(data: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            if key not in _SKIPPED_KEYS:
                yield from _values(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, (list, tuple)):
        for i, value in enumerate(data):
            yield from _values(value, f"{path}[{i}]")


def phrases_of(e: Engagement) -> list[Phrase]:
    """The phrases of one engagement that no published file may hold outside ciphertext."""
    found: dict[tuple[str, ...], Phrase] = {}
    for field, value in _names(e):
        if w := words(value):
            found.setdefault(w, Phrase(e.id, field, w))
    for field, value in _values(e.model_dump(mode="python"), ""):
        w = words(value)
        if len(w) >= MIN_WORDS:
            found.setdefault(w, Phrase(e.id, field, w))
    return list(found.values())


class Text:
    """The words of one published file, ready to be searched for many phrases quickly."""

    def __init__(self, text: str) -> None:
        self._words = words(text)
        self._joined = " " + " ".join(self._words) + " "
        self._pairs = set(zip(self._words, self._words[1:], strict=False))
        self._singles = set(self._words)

    def holds(self, phrase: Phrase) -> bool:
        w = phrase.words
        # Every pair of neighbouring words must occur before the (slower) exact search.
        if len(w) == 1:
            return w[0] in self._singles
        if any(pair not in self._pairs for pair in zip(w, w[1:], strict=False)):
            return False
        return f" {phrase.text} " in self._joined

    def found(self, phrases: Iterable[Phrase], single_words: bool = True) -> list[Phrase]:
        """The phrases this text holds; one-word names only with ``single_words``."""
        return [p for p in phrases if (single_words or len(p.words) > 1) and self.holds(p)]
