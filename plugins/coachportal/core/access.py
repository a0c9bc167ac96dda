"""Readers and access: who may open which engagement, with which passphrase.

This module owns every rule about readers (DESIGN.md: "readers and access in
``access``"); nothing else checks them:

* reader declarations: ids under the plugin's ``readers:`` in ``mkdocs.yml``
  (:func:`check_readers`);
* access lists: an engagement's ``access:`` names at least one reader, and only declared
  ones (:func:`access_list_problems`). The loader reports these located, as
  ``file:line:column`` (:func:`access_findings`); :func:`resolve_passphrases` applies
  the same rule to models it is handed, so it fails closed whoever calls it;
* levels: a client or coach portal never opens for a reader of a lower level
  (:func:`readers_below`);
* passphrases: present, typable, strong, free of what an attacker knows, and one per
  reader (:func:`passphrase_problem`, :func:`resolve_passphrases`).

A reader's passphrase comes from, in this order:

1. the environment variable ``COACHPORTAL_PASSPHRASE_<READER_ID>`` (the id in upper case,
   dashes as underscores: ``northwind-hr`` -> ``COACHPORTAL_PASSPHRASE_NORTHWIND_HR``);
2. a YAML file mapping reader id -> passphrase, named by ``COACHPORTAL_SECRETS``
   (a warning is logged when that file is tracked by git).

The build fails closed (:class:`AccessError`, one line per problem naming the reader or
engagement, every problem at once). Passphrases never appear in a message.

Passphrase rule (:func:`passphrase_problem`), after Unicode NFC normalisation:

* no leading or trailing whitespace, no control character (nobody could type them);
* at least :data:`MIN_LENGTH` characters;
* no clue of :data:`MIN_CLUE_LETTERS` or more letters: the words of what an attacker
  may know about the reader (:func:`reader_clues`: the reader's id and name, the site
  name, and for every engagement the reader opens its id, the client's name and
  organisation, the coach's and the sponsor's names), ignoring case, accents,
  separators and zxcvbn's letter substitutions (``H4rb0r-Health`` names ``Harbor Health``);
* at least 10^:data:`MIN_GUESSES_LOG10` guesses as estimated by zxcvbn (Dropbox's
  estimator: common passwords, words and names, substitutions, keyboard patterns,
  repeats, sequences, dates), with every clue as a user input.

:func:`resolve_passphrases` also refuses two readers with the same passphrase: one
reader could then open the other's engagements.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from zxcvbn import zxcvbn
from zxcvbn.matching import L33T_TABLE

from . import git
from .checks import Finding, Loc, id_problem
from .log import get_logger, prefixed
from .models import ID_MAX_LENGTH, Engagement, Level
from .suggest import suggestion

log = get_logger(__name__)

ENV_PREFIX = "COACHPORTAL_PASSPHRASE_"
SECRETS_ENV = "COACHPORTAL_SECRETS"
MIN_LENGTH = 12
MIN_GUESSES_LOG10 = 12  # 10^12 guesses: days to years offline against 600,000 PBKDF2 iterations
MIN_CLUE_LETTERS = 4  # shorter clue words ("lee", "hr", "nw") only lower zxcvbn's estimate
# zxcvbn's own ceiling (its matching grows quickly with length). An attacker who finds a
# passphrase has found its first characters too, so the start's estimate is a lower bound.
ESTIMATED_LENGTH = 72
ADVICE = "four or more random words pass"
# Reader ids follow the rule of every id an engagement file names in access:
# (models.Id: checks.ID, at most this many characters).
MAX_READER_ID = ID_MAX_LENGTH
READERS_HOME = "`readers:` in mkdocs.yml"


class AccessError(Exception):
    """The build must not go on: every problem with readers, access lists or passphrases."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return prefixed(self.problems[0])
        return prefixed(*self.problems)


# --- readers ----------------------------------------------------------------------------------


def env_var(reader_id: str) -> str:
    """``northwind-hr`` -> ``COACHPORTAL_PASSPHRASE_NORTHWIND_HR``."""
    return ENV_PREFIX + reader_id.upper().replace("-", "_")


def reader_id_problem(reader_id: Any) -> str | None:
    """Why ``reader_id`` is not a valid reader id (the rule of ``access:``); None when it is valid.

    Valid ids never share a variable: :func:`env_var` only upper-cases them and turns
    dashes into underscores, which no id contains.
    """
    if not isinstance(reader_id, str):
        return "the id must be text (quote it)"
    problem = id_problem(reader_id)
    if problem is None and len(reader_id) > MAX_READER_ID:
        problem = f"the id is {len(reader_id)} characters long (at most {MAX_READER_ID})"
    return problem


def check_readers(readers: Mapping[str, Any]) -> list[str]:
    """Problems with the reader declarations themselves (the ids under ``readers:`` in mkdocs.yml)."""
    problems: list[str] = []
    for reader_id, reader in readers.items():
        where = f"reader {reader_id!r} under readers: in mkdocs.yml"
        problem = reader_id_problem(reader_id)
        if problem is not None:
            problems.append(f"{where}: bad reader id: {problem}")
        if reader_level(reader) is None:
            # the plugin's config validates this too; plain mappings (tools, tests) may not
            labels = ", ".join(Level.names())
            level = _setting(reader, "level")
            problems.append(f"{where}: unknown level {level!r} (expected one of {labels})")
    return problems


def _setting(reader: Any, key: str) -> Any:
    """A reader's setting, from the plugin's ReaderConfig or a plain mapping (tests, tools)."""
    return reader.get(key) if isinstance(reader, Mapping) else getattr(reader, key, None)


def reader_level(reader: Any) -> Level | None:
    """The most private view the reader may open (sponsor unless set); None for an unknown level."""
    name = _setting(reader, "level") or Level.SPONSOR.label
    try:
        return Level.parse(name)
    except ValueError:
        return None


# --- access lists -------------------------------------------------------------------------------


# An engagement no one may open yet: the build refuses it (it would publish a page no one
# can read), `validate` says it as a warning (a scaffold written before its readers is valid).
NO_READER = "no reader may open this engagement"


def access_list_problems(listed: Any, readers: Collection[str]) -> list[tuple[Loc, str]]:
    """The rule of ``access:``: at least one reader, each declared in mkdocs.yml.

    ``listed`` is the value of ``access:`` (None when the key is missing). Returns
    (field path, message) pairs; values of the wrong type are left to the schema.
    """
    if listed is None or listed == []:
        return [(("access",), f"{NO_READER} (expected at least one reader id declared under {READERS_HOME})")]
    if not isinstance(listed, list):
        return []
    known = sorted(r for r in readers if isinstance(r, str))  # a bad id (42) is check_readers' to report
    return [
        (
            ("access", i),
            f"unknown reader '{reader}'{suggestion(reader, known)} (expected a reader declared under"
            f" {READERS_HOME}: {', '.join(known) or 'none is declared'})",
        )
        for i, reader in enumerate(listed)
        if isinstance(reader, str) and reader not in readers
    ]


def access_findings(data: Mapping[str, Any], readers: Collection[str]) -> list[Finding]:
    """:func:`access_list_problems` of one engagement file's data, for the loader to locate."""
    return [
        # a missing key has no position of its own: point at the file's top level
        Finding(loc if "access" in data else (), message)
        for loc, message in access_list_problems(data.get("access"), readers)
    ]


def _access_problems(engagements: Sequence[Engagement], readers: Collection[str]) -> list[str]:
    """The same rule on loaded engagements (a caller may have loaded them without readers)."""
    return [
        f"engagement {e.id!r}: {message}"
        for e in engagements
        for _loc, message in access_list_problems(list(e.access), readers)
    ]


def readers_below(
    audience: Level, engagements: Sequence[Engagement], readers: Mapping[str, Any]
) -> list[str]:
    """Readers an engagement names in ``access:`` who may not read this audience's view.

    A client or coach portal must not open for a sponsor's passphrase.
    """
    problems = []
    for e in engagements:
        for reader in e.access:
            level = reader_level(readers[reader]) if reader in readers else None
            if level is not None and not level.may_read(audience):
                problems.append(
                    f"engagement {e.id!r}: reader {reader!r} has level {level.label},"
                    f" below this {audience.label} portal (set `level: {audience.label}` for that"
                    " reader, or build the view for their level)"
                )
    return problems


def view_readers(engagement: Engagement, view: Level, readers: Mapping[str, Any]) -> list[str]:
    """Who may open ``engagement`` in ``view``: its readers whose level is at least the view's.

    A sponsor's passphrase never decrypts a client or coach page, even opened by its address:
    each view has its own content key, wrapped only for these readers.
    """
    return [r for r in engagement.access if (reader_level(readers.get(r)) or Level.SPONSOR).may_read(view)]


def top_view(level: Level, views: Sequence[Level]) -> Level | None:
    """The most private of ``views`` a reader of ``level`` may open (their portfolio links there)."""
    allowed = [v for v in views if level.may_read(v)]
    return max(allowed) if allowed else None


# --- secrets ------------------------------------------------------------------------------------


def load_secrets_file(path: Path) -> dict[str, str]:
    """Reader id -> passphrase from a YAML file; warns when git tracks the file."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    if not path.is_file():
        raise AccessError([f"secrets file not found: {path} (named by {SECRETS_ENV})"])
    if git.is_tracked(path):
        log.warning(
            f"the secrets file {path} is tracked by git; real passphrases must never be "
            "committed (use CI secrets or an untracked file)"
        )
    try:
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    except (YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise AccessError([f"secrets file {path} is not valid YAML: {first}"]) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise AccessError([f"secrets file {path} must map reader ids to passphrases"])
    out: dict[str, str] = {}
    problems: list[str] = []
    for key, value in data.items():
        if not isinstance(value, str):
            # Never echo the value: it may be a passphrase that YAML read as a number.
            problems.append(f"reader {key!r}: passphrase in {path} must be a string (quote it)")
            continue
        out[str(key)] = value
    if problems:
        raise AccessError(problems)
    return out


# --- what an attacker may know -------------------------------------------------------------------


@dataclass(frozen=True)
class Clue:
    """Text an attacker may know about a reader, and what it is (for the message)."""

    what: str
    text: str


def reader_clues(
    reader_id: str, reader: Any, engagements: Iterable[Engagement], site_name: str = ""
) -> list[Clue]:
    """What an attacker may know about ``reader_id``: the reader, the site, and every engagement
    the reader opens (its id, client, organisation, coach and sponsor)."""
    clues = [
        Clue("the reader's id", reader_id),
        Clue("the reader's name", str(_setting(reader, "name") or "")),
        Clue("the site name", site_name),
    ]
    for e in engagements:
        if reader_id not in e.access:
            continue
        clues += [
            Clue(f"the id of engagement {e.id!r}", e.id),
            Clue(f"the client's name in engagement {e.id!r}", e.client.name),
            Clue(f"the client's organisation in engagement {e.id!r}", e.client.organization or ""),
            Clue(f"the coach's name in engagement {e.id!r}", e.coach.name),
            Clue(f"the sponsor's name in engagement {e.id!r}", e.sponsor.name if e.sponsor else ""),
        ]
    return [clue for clue in clues if clue.text.strip()]


def _fold(text: str) -> str:
    """Lower case without accents: ``Tomás`` and ``TOMAS`` are the same clue."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", _fold(text))


@cache
def _clue_pattern(word: str) -> re.Pattern[str]:
    """``harbor`` -> a regex that also finds ``H4r-b0r`` (zxcvbn's substitutions, any separators)."""
    letters = []
    for letter in word:
        subs = L33T_TABLE.get(letter, [])
        letters.append("[" + "".join(re.escape(c) for c in (letter, *subs)) + "]")
    return re.compile(r"[\W_]*".join(letters))


def _clues_in(passphrase: str, clues: Iterable[Clue]) -> list[Clue]:
    """The clues with a word of MIN_CLUE_LETTERS or more letters that the passphrase contains."""
    folded = _fold(passphrase)
    return [
        clue
        for clue in clues
        if any(
            sum(c.isalpha() for c in word) >= MIN_CLUE_LETTERS and _clue_pattern(word).search(folded)
            for word in _words(clue.text)
        )
    ]


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _user_inputs(clues: Iterable[Clue]) -> list[str]:
    """zxcvbn's user inputs: each clue whole (``nw-ops-2026``) and word by word."""
    inputs: dict[str, None] = {}
    for clue in clues:
        inputs[_fold(clue.text)] = None
        inputs.update(dict.fromkeys(_words(clue.text)))
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
    """zxcvbn's estimate of the passphrase's start (:data:`ESTIMATED_LENGTH`), knowing the clues."""
    text = unicodedata.normalize("NFC", passphrase)[:ESTIMATED_LENGTH]
    # zxcvbn keeps the user inputs in a module-level dictionary: call it from one thread.
    return zxcvbn(text, user_inputs=_user_inputs(clues), max_length=ESTIMATED_LENGTH)


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


def passphrase_problem(passphrase: str, clues: Sequence[Clue] = ()) -> str | None:
    """Why a passphrase is refused, without quoting it; None when it passes the rule.

    ``clues``: what an attacker may know about its reader (:func:`reader_clues`).
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
    return None


# --- resolution ------------------------------------------------------------------------------------


def secrets_file(environ: Mapping[str, str], base_dir: Path | None) -> Path | None:
    """The file named by ``COACHPORTAL_SECRETS``, relative to ``base_dir`` (mkdocs.yml's
    folder; the working directory when None); None when the variable is unset or empty."""
    named = environ.get(SECRETS_ENV, "").strip()
    if not named:
        return None
    path = Path(named).expanduser()
    return path if path.is_absolute() else (base_dir or Path.cwd()) / path


def declared_passphrases(
    readers: Mapping[str, Any], environ: Mapping[str, str] | None = None, *, base_dir: Path | None = None
) -> list[str]:
    """Every passphrase set for a declared reader, unchecked and without a word said: what the
    build may start deriving keys from before the engagements are loaded. The build's own
    checks (:func:`resolve_passphrases`) still decide which ones are used."""
    environ = os.environ if environ is None else environ
    from_file: dict[str, str] = {}
    path = secrets_file(environ, base_dir)
    if path is not None:
        try:
            from_file = load_secrets_file(path)
        except AccessError:
            from_file = {}
    found = [environ.get(env_var(r)) or from_file.get(r) for r in readers]
    return [p for p in found if p and isinstance(p, str)]


def _secrets_from_file(
    environ: Mapping[str, str], readers: Mapping[str, Any], base_dir: Path | None, problems: list[str]
) -> tuple[str, dict[str, str]]:
    """(the COACHPORTAL_SECRETS setting, its reader id -> passphrase); problems are appended."""
    secrets_path = environ.get(SECRETS_ENV, "").strip()
    path = secrets_file(environ, base_dir)
    if path is None:
        return "", {}
    try:
        from_file = load_secrets_file(path)
    except AccessError as exc:
        problems.extend(exc.problems)
        return secrets_path, {}
    for key in from_file:
        if key not in readers:
            log.warning(f"the secrets file names an undeclared reader {key!r}; ignored")
    return secrets_path, from_file


def _shared_passphrases(passphrases: Mapping[str, str]) -> list[str]:
    """Readers who share a passphrase: each could open the other's engagements."""
    by_passphrase: dict[str, list[str]] = {}
    for reader_id, passphrase in passphrases.items():
        by_passphrase.setdefault(unicodedata.normalize("NFC", passphrase), []).append(reader_id)
    problems = []
    for sharing in by_passphrase.values():
        if len(sharing) > 1:
            names = _and([repr(r) for r in sharing])
            problems.append(
                f"readers {names} have the same passphrase (each reader needs their own, or one could"
                " open the other's engagements)"
            )
    return problems


def resolve_passphrases(
    readers: Mapping[str, Any],
    engagements: Sequence[Engagement],
    environ: Mapping[str, str] | None = None,
    *,
    base_dir: Path | None = None,
    site_name: str = "",
    audience: Level = Level.SPONSOR,
) -> dict[str, str]:
    """Reader id -> passphrase for every reader that some engagement lists in ``access:``.

    ``readers`` is the plugin's ``readers:`` mapping (id -> ``{name, level}``);
    ``engagements`` the portal's models; ``site_name`` and the engagements are what an
    attacker may know (:func:`reader_clues`). A relative ``COACHPORTAL_SECRETS`` path is
    taken from ``base_dir`` (default: the current directory). The environment wins over
    the file. Raises :class:`AccessError` with every problem found: reader declarations,
    access lists, levels below ``audience``, missing, weak and shared passphrases.
    """
    environ = os.environ if environ is None else environ
    problems = check_readers(readers)
    problems += _access_problems(engagements, readers)
    problems += readers_below(audience, engagements, readers)
    used = [r for r in dict.fromkeys(r for e in engagements for r in e.access) if r in readers]
    secrets_path, from_file = _secrets_from_file(environ, readers, base_dir, problems)

    passphrases: dict[str, str] = {}
    for reader_id in used:
        var = env_var(reader_id)
        passphrase = environ.get(var) or from_file.get(reader_id)
        if not passphrase:
            where = f"set {var}" + (
                f" or add {reader_id!r} to {secrets_path}"
                if secrets_path
                else f" or name a secrets file in {SECRETS_ENV}"
            )
            problems.append(f"reader {reader_id!r}: no passphrase ({where})")
            continue
        clues = reader_clues(reader_id, readers[reader_id], engagements, site_name)
        problem = passphrase_problem(passphrase, clues)
        if problem:
            source = var if environ.get(var) else secrets_path
            problems.append(f"reader {reader_id!r}: {problem} (from {source})")
            continue
        passphrases[reader_id] = passphrase
    problems += _shared_passphrases(passphrases)
    if problems:
        raise AccessError(problems)
    return passphrases
