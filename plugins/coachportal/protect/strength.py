"""The passphrase-strength rule: what a reader's passphrase must resist.

Anyone who downloads the site can guess offline, and the first guesses are the ones an
attacker can make from what they know. So a passphrase (:func:`passphrase_problem`,
after Unicode NFC normalisation) must

* have no leading or trailing whitespace and no control character (nobody could type them);
* have at least :data:`MIN_LENGTH` characters;
* not be a famous example passphrase (``famous.txt``: the xkcd, EFF, NIST and Diceware
  examples, "password"...) nor one published in this project (``published.txt``: the
  README's examples; ``demo.txt``: the demo's, in the README, the Makefile and the
  tests), all compared after :func:`normalised` (case, spaces, separators and
  punctuation ignored). Only the demo portal (``demo: true``) may use the demo's own;
* contain no clue of :data:`MIN_CLUE_LETTERS` or more letters: the words of what an
  attacker may know about the reader (``core.access.reader_clues``: the reader's id and name, the
  site name, and for every engagement the reader opens its id, title, programme, the
  client's name and organisation, the coach's, the sponsor's and the team's names),
  ignoring case, accents, separators and zxcvbn's letter substitutions;
* need at least 10^:data:`MIN_GUESSES_LOG10` guesses as estimated by zxcvbn, with every
  clue and every word of the engagement's background and goals as a user input;
* still need them once the background's and goals' words (of MIN_CLUE_LETTERS or more
  letters, found as clues are) are taken out (:func:`without_context`): zxcvbn ranks
  each user input by its place in a list of hundreds, so five of them pass, though a
  reader who read the page tries those words first.

:func:`shared_passphrases`: no two readers' passphrases may be equal once normalised
(a near-duplicate is as good as the same passphrase to one who knows one of them).
Messages name the reason, never the passphrase.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any

from zxcvbn import zxcvbn
from zxcvbn.matching import L33T_TABLE

MIN_LENGTH = 12
MIN_GUESSES_LOG10 = 12  # 10^12 guesses: days to years offline against 600,000 PBKDF2 iterations
MIN_CLUE_LETTERS = 4  # shorter clue words ("lee", "hr", "nw") only lower zxcvbn's estimate
# zxcvbn's own ceiling (its matching grows quickly with length). An attacker who finds a
# passphrase has found its first characters too, so the start's estimate is a lower bound.
ESTIMATED_LENGTH = 72
ADVICE = "four or more random words pass"

# --- what an attacker may know -------------------------------------------------------------------


@dataclass(frozen=True)
class Clue:
    """Text an attacker may know about a reader, and what it is (for the message)."""

    what: str
    text: str
    # only zxcvbn's user input (a background's words are common words, not names to refuse)
    context: bool = False

    # Folded once per clue: a reader's checks read each clue's words three or four times,
    # and an engagement's clues are shared by all of its readers.
    @cached_property
    def folded(self) -> str:
        return _fold(self.text)

    @cached_property
    def words(self) -> tuple[str, ...]:
        return tuple(_words(self.text))

    @cached_property
    def long_words(self) -> tuple[str, ...]:
        """The words of :data:`MIN_CLUE_LETTERS` or more letters (the ones a check looks for)."""
        return tuple(word for word in self.words if sum(c.isalpha() for c in word) >= MIN_CLUE_LETTERS)


def _fold(text: str) -> str:
    """Lower case without accents: ``Tomás`` and ``TOMAS`` are the same clue."""
    if text.isascii():  # no accent to take off, and NFKD leaves ASCII as it is
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", _fold(text))


@cache
def _spellings(letter: str) -> frozenset[str]:
    """How a clue's letter may be written in a passphrase: itself or one of zxcvbn's substitutions."""
    return frozenset((letter, *L33T_TABLE.get(letter, ())))


@cache
def _clue_pattern(word: str) -> re.Pattern[str]:
    """``harbor`` -> a regex that also finds ``H4r-b0r`` (:func:`_spellings`, any separators)."""
    letters = ["[" + "".join(re.escape(c) for c in sorted(_spellings(letter))) + "]" for letter in word]
    return re.compile(r"[\W_]*".join(letters))


def _clues_in(passphrase: str, clues: Iterable[Clue]) -> list[Clue]:
    """The clues with a word of MIN_CLUE_LETTERS or more letters that the passphrase contains."""
    folded = _fold(passphrase)
    present = _letters_present(folded)
    return [
        clue
        for clue in clues
        if not clue.context
        and any(present(word) and _clue_pattern(word).search(folded) for word in clue.long_words)
    ]


def _letters_present(folded: str) -> Callable[[str], bool]:
    """Whether every letter of a word is in ``folded`` in one of its :func:`_spellings`: a
    word without that cannot match (:func:`_clue_pattern`), so its regex need not run.
    Exact, and most of a reader's hundreds of context words fail it at once."""
    chars = set(folded)

    def present(word: str) -> bool:
        return all(c in chars or not chars.isdisjoint(_spellings(c)) for c in word)

    return present


def without_context(passphrase: str, clues: Iterable[Clue]) -> str | None:
    """The passphrase (folded) without the words of its reader's context clues (background,
    goals); None when it holds none of them."""
    folded = _fold(passphrase)
    present = _letters_present(folded)
    # only the words that may match: the others would leave the text as it is
    words = {word for clue in clues if clue.context for word in clue.long_words if present(word)}
    # longest first: "warehouses" goes whole, not as "warehouse" and an "s"
    rest = folded
    for word in sorted(words, key=lambda word: (-len(word), word)):
        rest = _clue_pattern(word).sub(" ", rest)
    return None if rest == folded else rest


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _user_inputs(clues: Iterable[Clue]) -> list[str]:
    """zxcvbn's user inputs: each clue whole (``nw-ops-2026``) and word by word."""
    inputs: dict[str, None] = {}
    for clue in clues:
        if not clue.context:  # a background's sentence whole would only slow zxcvbn
            inputs[clue.folded] = None
        inputs.update(dict.fromkeys(clue.words))
    return list(inputs)


# --- strength -------------------------------------------------------------------------------------

# How zxcvbn's match kinds read in a message.
_DICTIONARY_KINDS = {
    "passwords": "a common password",
    "english_wikipedia": "a common word",
    "us_tv_and_film": "a common word",
    "surnames": "a common name",
    "male_names": "a common name",
    "female_names": "a common name",
    "user_inputs": "a name or id an attacker may know",
}
_PATTERN_KINDS = {
    "spatial": "a keyboard pattern",
    "sequence": "a sequence such as abc or 4321",
    "regex": "a recent year",
    "date": "a date or year",
}


def _weakness(match: Mapping[str, Any]) -> str | None:
    """What one part of zxcvbn's cheapest guess sequence is, in words; None for random characters."""
    pattern = match.get("pattern")
    if pattern == "dictionary":
        kind = _DICTIONARY_KINDS.get(match.get("dictionary_name", ""), "a common word")
        if match.get("l33t"):
            kind += " with substitutions"
        if match.get("reversed"):
            kind += " reversed"
        return kind
    if pattern == "repeat":
        return "repeated characters" if len(match.get("base_token", "")) == 1 else "a repeated pattern"
    return _PATTERN_KINDS.get(str(pattern))


def _weaknesses(sequence: Iterable[Mapping[str, Any]]) -> str:
    kinds = list(dict.fromkeys(k for k in map(_weakness, sequence) if k))
    return _and(kinds) if kinds else "too few unpredictable characters"


def estimate(passphrase: str, clues: Iterable[Clue] = ()) -> dict[str, Any]:
    """zxcvbn's estimate of the passphrase's start (:data:`ESTIMATED_LENGTH`), knowing the clues.

    Also estimated without its separators (spaces, ``-``, ``_``, ``.``), and the lower of the
    two kept: zxcvbn counts a separator as random characters, a guesser tries them all.
    """
    text = unicodedata.normalize("NFC", passphrase)
    inputs = _user_inputs(clues)
    results = [
        # zxcvbn keeps the user inputs in a module-level dictionary: call it from one thread.
        zxcvbn(variant[:ESTIMATED_LENGTH], user_inputs=inputs, max_length=ESTIMATED_LENGTH)
        for variant in dict.fromkeys((text, _SEPARATORS.sub("", text)))
        if variant
    ]
    return min(results, key=lambda result: result["guesses_log10"])


_SEPARATORS = re.compile(r"[\s\-_.]+")


def _untypable_problem(text: str) -> str | None:
    if not text.strip():
        return "passphrase is empty"
    if text != text.strip():
        # e.g. a CI secret pasted with its trailing newline: a key no reader can type
        return (
            "passphrase starts or ends with whitespace (a space, tab or line break, often pasted by"
            " mistake); remove it"
        )
    if any(unicodedata.category(c) == "Cc" for c in text):
        return "passphrase contains a control character (such as a tab or line break) that nobody can type"
    return None


def passphrase_problem(passphrase: str, clues: Sequence[Clue] = (), *, demo: bool = False) -> str | None:
    """Why a passphrase is refused, without quoting it; None when it passes the rule.

    ``clues``: what an attacker may know about its reader (``core.access.reader_clues``);
    ``demo``: the demo portal, which alone may use the passphrases this project publishes.
    """
    text = unicodedata.normalize("NFC", passphrase)
    problem = _untypable_problem(text)
    if problem:
        return problem
    if len(text) < MIN_LENGTH:
        return f"passphrase too weak: {len(text)} characters (at least {MIN_LENGTH}); {ADVICE}"
    known = list(dict.fromkeys(clue.what for clue in _clues_in(text, clues)))
    if known:
        return f"passphrase too weak: contains {_and(known)}, which an attacker may know; {ADVICE}"
    result = estimate(text, clues)
    if result["guesses_log10"] < MIN_GUESSES_LOG10:
        # floor, not round: 10^11.9 guesses must not read as the 10^12 the rule asks for
        found = math.floor(result["guesses_log10"])
        return (
            f"passphrase too weak: {_weaknesses(result['sequence'])}, found in about 10^{found} guesses"
            f" (at least 10^{MIN_GUESSES_LOG10} needed); {ADVICE}"
        )
    rest = without_context(text, clues)
    if rest is not None and (
        not rest.strip() or estimate(rest.strip(), clues)["guesses_log10"] < MIN_GUESSES_LOG10
    ):
        return (
            "passphrase too weak: made mostly of words from the background and goals of an engagement"
            f" the reader opens, which anyone who read it may try first; {ADVICE}"
        )
    # checked last: a weak one is told its weakness, a strong-looking one that it is known
    key = normalised(text)
    if key in famous_passphrases():
        return (
            f"passphrase refused: a famous example passphrase, among the first any attacker tries; {ADVICE}"
        )
    if key in published_passphrases():
        return f"passphrase refused: published in coachportal's README, so anyone may know it; {ADVICE}"
    if key in demo_passphrases() and not demo:
        return (
            "passphrase refused: one of coachportal's demo passphrases, public in its README (only"
            f" the demo portal, marked `demo: true`, builds with them); {ADVICE}"
        )
    return None


# --- passphrases anyone may know -----------------------------------------------------------------


def normalised(passphrase: str) -> str:
    """The passphrase without what a person ignores when typing it from memory: case,
    spaces, separators and punctuation (NFKC, casefolded, letters and digits only)."""
    return "".join(c for c in unicodedata.normalize("NFKC", passphrase).casefold() if c.isalnum())


def _listed(name: str) -> frozenset[str]:
    """A data file of this package: one passphrase a line, ``#`` comments, normalised."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    lines = (line.strip() for line in text.splitlines())
    return frozenset(normalised(line) for line in lines if line and not line.startswith("#"))


@cache
def famous_passphrases() -> frozenset[str]:
    """Example passphrases from famous articles and comics: every cracking list has them."""
    return _listed("famous.txt")


@cache
def published_passphrases() -> frozenset[str]:
    """Every passphrase this project publishes (README, Makefile, demo, tests): shipped as
    data, checked against those files by the tests, so that it cannot drift."""
    return _listed("published.txt")


@cache
def demo_passphrases() -> frozenset[str]:
    """The demo portal's own passphrases, public too: only a portal marked as the demo may use them."""
    return _listed("demo.txt")


def shared_passphrases(passphrases: Mapping[str, str]) -> list[str]:
    """Readers who share a passphrase, or near enough (:func:`normalised`): each could open
    the other's engagements, or guess them in a few tries."""
    by_passphrase: dict[str, list[str]] = {}
    for reader_id, passphrase in passphrases.items():
        by_passphrase.setdefault(normalised(passphrase), []).append(reader_id)
    problems = []
    for sharing in by_passphrase.values():
        if len(sharing) > 1:
            names = _and([repr(r) for r in sharing])
            problems.append(
                f"readers {names} have the same passphrase, or nearly (equal ignoring case, spaces"
                " and punctuation; each reader needs their own, or one could open the other's engagements)"
            )
    return problems
