"""Who may read what: the audience levels, their labels, and the field-level privacy markers."""

from __future__ import annotations

import enum
from typing import Literal, get_args

from ..i18n import N_


class Level(enum.IntEnum):
    """Audience levels, ordered: a portal for level L shows everything at or below L."""

    SPONSOR = 0
    CLIENT = 1
    COACH = 2

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The names users write, most public first: ``sponsor``, ``client``, ``coach``."""
        return tuple(level.label for level in cls)

    @classmethod
    def parse(cls, name: str) -> Level:
        """A level from its name (any case, surrounding blanks ignored); ValueError naming
        the choices otherwise."""
        try:
            return cls[name.strip().upper()]
        except (KeyError, AttributeError):
            raise ValueError(f"{name!r} is not a level (expected one of: {', '.join(cls.names())})") from None

    @property
    def label(self) -> str:
        return self.name.lower()

    def may_read(self, view: Level) -> bool:
        """A reader of this level may open pages of ``view`` (its own level or a more public one)."""
        return view <= self


# Each closed set of values has its label beside it; a test checks that every value
# of the Literal has one (a gap would otherwise show the raw value on a page). Labels
# are English message ids, marked with N_ for extraction and translated where they are
# shown (``Translator.label``).
Visibility = Literal["sponsor", "client", "coach"]  # spelt out for type checkers; Level owns them
assert get_args(Visibility) == Level.names(), "Visibility and Level name the same levels"
VISIBILITY_LABELS: dict[str, str] = {
    "sponsor": N_("Sponsor view"),
    "client": N_("Client view"),
    "coach": N_("Coach view"),
}

VIEW_NAMES: dict[str, str] = {  # a view on its own (the preview's view switcher)
    "sponsor": N_("Sponsor"),
    "client": N_("Client"),
    "coach": N_("Coach"),
}
VIEW_DESCRIPTIONS: dict[str, str] = {  # the view label's tooltip
    "sponsor": N_("This portal shows what the sponsor may see"),
    "client": N_("This portal shows what the client may see"),
    "coach": N_("This portal shows what the coach may see"),
}
CONFIDENTIAL_NOTES: dict[str, str] = {  # printed on the final report
    "sponsor": N_("Confidential — sponsor view of a coaching engagement. Please do not forward or copy."),
    "client": N_("Confidential — client view of a coaching engagement. Please do not forward or copy."),
    "coach": N_("Confidential — coach view of a coaching engagement. Please do not forward or copy."),
}

# Field-level privacy markers, read by redact.py: a field annotated with one is more
# private than the item that holds it.
ClientLevel = Level.CLIENT
CoachLevel = Level.COACH
