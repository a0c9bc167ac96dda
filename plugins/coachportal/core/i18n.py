"""The portal's language: gettext catalogs and Babel's dates and numbers, in one object.

A :class:`Translator` is made for one language (:func:`translator`) and handed to
everything that writes words, dates or numbers for a page: the render context, the
formatting functions, the plugin's unlock screens. Nothing here is global and
mutable, so two builds in one process may use two languages.

The catalogs are the ``.po`` files under ``locale/<lang>/LC_MESSAGES/coachportal.po``
of this package, read at run time with Babel (``read_po``) and compiled in memory
into a ``gettext``-compatible object, once per language and process. There is no
compile step and no ``.mo`` file: an editable install (``pip install -e .``) and a
wheel read the same ``.po`` files, and a translator who edits one sees the result in
the next build.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_interval
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

DOMAIN = "coachportal"
LOCALE_DIR = Path(__file__).parents[1] / "locale"
DEFAULT_LANGUAGE = "en"
SUPPORTED: tuple[str, ...] = ("en", "de", "fr", "es", "nl")

MINUS = "\u2212"  # a true minus sign: "−0.5" reads better than "-0.5"

# A date as pages print it: "25 Nov 2026", "25. Nov. 2026", "25 nov. 2026".
DATE_PATTERNS: Mapping[str, str] = {
    "en": "d MMM y",
    "de": "d. MMM y",
    "fr": "d MMM y",
    "es": "d MMM y",
    "nl": "d MMM y",
}


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown (``t.gettext``)."""
    return message


def NC_(context: str, message: str) -> tuple[str, str]:
    """Like :func:`N_`, for a message that needs a context to translate (``pgettext``)."""
    return (context, message)


@functools.cache
def _catalog(language: str) -> Translations:
    """The language's messages, from its .po file, compiled in memory (cached per process)."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def normalize(language: str | None) -> str:
    """ "de_DE", "de-AT", "DE" -> "de"; anything else as written, lower-cased."""
    return str(language or "").strip().replace("-", "_").split("_")[0].lower()


def choose(option: str | None, theme_language: str | None) -> tuple[str, str | None]:
    """The portal's language: the plugin's ``language`` option, else ``theme.language``.

    Returns ``(language, warning)``; an unsupported language falls back to English with a
    warning naming the supported ones.
    """
    wanted = option or theme_language or DEFAULT_LANGUAGE
    language = normalize(wanted)
    if language in SUPPORTED:
        return language, None
    supported = ", ".join(SUPPORTED)
    return DEFAULT_LANGUAGE, f"language {wanted!r} is not supported (supported: {supported}); using English"


@dataclass(frozen=True)
class Translator:
    """Messages, dates and numbers in one language."""

    language: str
    catalog: Translations = field(repr=False, compare=False)

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.language)

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        # Sent to a worker process by its language: it finds the same catalog there.
        return translator, (self.language,)

    # --- messages ---

    def gettext(self, message: str) -> str:
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalog.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.catalog.pgettext(context, message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self.catalog.npgettext(context, singular, plural, n)

    def __call__(self, message: str, **values: object) -> str:
        """``t("Due {date}", date=...)``: a message with named values filled in."""
        text = self.gettext(message)
        return text.format(**values) if values else text

    def n(self, singular: str, plural: str, count: int, **values: object) -> str:
        """A message with a number in it, in the plural form the language wants; ``{n}`` is the count."""
        return self.ngettext(singular, plural, count).format(n=self.number(count), **values)

    def label(self, labels: Mapping[str, str | tuple[str, str]], key: str) -> str:
        """A closed value's label (core/models/vocabulary.py's ``*_LABELS``), translated."""
        message = labels[key]
        if isinstance(message, tuple):
            return self.pgettext(*message)
        return self.gettext(message)

    # --- dates and numbers ---

    def date(self, value: dt.date | None) -> str:
        if not value:
            return ""
        return _format_date(value, DATE_PATTERNS[self.language], self.language)

    def date_range(self, start: dt.date, end: dt.date) -> str:
        """Two different dates: "2 – 20 Feb 2026", "2.–20. Feb. 2026", "2–20 févr. 2026"."""
        if self.language == "en":  # the portal's English, as it always read
            if start.year == end.year:
                if start.month == end.month:
                    return f"{start.day} – {self.date(end)}"
                return f"{start.day} {self.month(start)} – {self.date(end)}"
            return f"{self.date(start)} – {self.date(end)}"
        return _format_interval(start, end, self.language)

    def month(self, value: dt.date) -> str:
        """An abbreviated month name on its own (a timeline tick): "Nov", "nov.", "Mrz"."""
        return _format_date(value, "LLL", self.language)

    def number(self, value: int) -> str:
        return _format_decimal(value, None, self.language)

    def decimal(self, value: float) -> str:
        """One decimal place, the locale's decimal sign: "1.4", "1,4"."""
        return _format_decimal(value, "0.0", self.language)

    def percent(self, value: float) -> str:
        """A share 0..1 as a whole percentage: "67%", "67 %"."""
        return _format_percent(value, self.language)


# Babel formats a date or number in tens of microseconds, and a portal of many engagements
# formats the same few hundred dates over and over: remember them (pure functions).
@functools.lru_cache(maxsize=8192, typed=True)
def _format_date(value: dt.date, pattern: str, language: str) -> str:
    return format_date(value, pattern, locale=language)


@functools.lru_cache(maxsize=4096, typed=True)
def _format_interval(start: dt.date, end: dt.date, language: str) -> str:
    return format_interval(start, end, "yMMMd", locale=language)


@functools.lru_cache(maxsize=4096, typed=True)
def _format_decimal(value: float, pattern: str | None, language: str) -> str:
    return format_decimal(value, pattern, locale=language)


@functools.lru_cache(maxsize=4096, typed=True)
def _format_percent(value: float, language: str) -> str:
    return format_percent(value, locale=language)


@functools.cache
def translator(language: str = DEFAULT_LANGUAGE) -> Translator:
    """The (shared, immutable) translator of a supported language."""
    if language not in SUPPORTED:
        raise ValueError(f"unsupported language {language!r} (supported: {', '.join(SUPPORTED)})")
    return Translator(language, _catalog(language))


def english() -> Translator:
    return translator(DEFAULT_LANGUAGE)


def fill_english(path: Path) -> int:
    """English is the source language: its catalog repeats each message (``make messages``)."""
    from babel.messages.pofile import write_po

    with path.open("rb") as po:
        catalog = read_po(po, locale="en", domain=DOMAIN)
    filled = 0
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not message.id or (all(strings) and not message.fuzzy):
            continue
        message.string = message.id  # the source text is its own exact translation
        message.flags.discard("fuzzy")
        filled += 1
    with path.open("wb") as po:
        write_po(po, catalog, no_location=True, sort_output=True)
    return filled


if __name__ == "__main__":  # python -m coachportal.core.i18n --fill-english <en .po>
    import sys

    if len(sys.argv) != 3 or sys.argv[1] != "--fill-english":
        raise SystemExit("usage: python -m coachportal.core.i18n --fill-english <path to en coachportal.po>")
    print(f"filled {fill_english(Path(sys.argv[2]))} English message(s)")
