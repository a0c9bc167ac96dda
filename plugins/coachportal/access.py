"""Readers, their passphrases, and the rules a build must pass before anything is encrypted.

Readers are declared in ``mkdocs.yml`` under the plugin's ``readers:`` as a mapping
``reader id -> {name: ...}``; an engagement's ``access:`` lists reader ids. A reader's
passphrase comes from, in this order:

1. the environment variable ``COACHPORTAL_PASSPHRASE_<READER_ID>`` (the id in upper case,
   dashes as underscores: ``northwind-hr`` -> ``COACHPORTAL_PASSPHRASE_NORTHWIND_HR``);
2. a YAML file mapping reader id -> passphrase, named by ``COACHPORTAL_SECRETS``
   (a warning is logged when that file is tracked by git).

The build fails closed (:class:`AccessError`, one line per problem naming the reader or
engagement) on: an unknown reader id in ``access:``, an engagement with no reader, a
missing passphrase, a weak passphrase, a passphrase that starts or ends with whitespace or
contains a control character (nobody could type it in the browser). Passphrases never
appear in a message.

Passphrase rule (:func:`passphrase_problem`): at least 12 characters (after Unicode NFC
normalisation) AND an estimated strength of at least 50 bits, where the estimate is

    effective length x log2(size of the character pool)

* the pool is the sum of the classes present: lower case 26, upper case 26, digits 10,
  ASCII punctuation 33, space 1, any other character 100;
* the effective length counts each character once, except that it counts 0 for a
  character that repeats the previous one (``aaaa``), continues a run of constant step
  -1/+1 (``abcd``, ``4321``; case-insensitive), continues a stretch of 3 or more characters
  already seen earlier (``abcabcabc``), or continues a stretch of 4 or more characters of
  a keyboard row (``qwerty``, ``asdf``); a common word such as ``password``, ``welcome`` or
  ``coaching`` counts as one character.

So four random words (``correct horse battery staple``, about 130 bits) or 12 random
characters of mixed classes pass; ``Password1234``, ``aaaaaaaaaaaaaa``, ``abcdefghijkl``
and ``qwertyuiop12`` fail. It is an estimate that rejects the obvious, not a guarantee:
the README advises four or more random words.
"""

from __future__ import annotations

import difflib
import logging
import math
import os
import re
import string
import subprocess
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .checks import id_problem
from .models import Id

log = logging.getLogger("mkdocs.plugins.coachportal")

ENV_PREFIX = "COACHPORTAL_PASSPHRASE_"
SECRETS_ENV = "COACHPORTAL_SECRETS"
MIN_LENGTH = 12
MIN_BITS = 50.0
# Reader ids follow the rule of every id an engagement file names in access:
# (models.Id: checks.ID, at most this many characters).
MAX_READER_ID = next(m.max_length for m in Id.__metadata__ if getattr(m, "max_length", None))

KEYBOARD_ROWS = (
    "`1234567890-=",
    "qwertyuiop[]\\",
    "asdfghjkl;'",
    "zxcvbnm,./",
    "qwertzuiop",
    "azertyuiop",
    "yxcvbnm",
)
COMMON_WORDS = (
    "password", "passphrase", "passwort", "secret", "letmein", "welcome", "admin", "login", "qwerty",
    "iloveyou", "monkey", "dragon", "master", "sunshine", "princess", "football", "baseball", "shadow",
    "summer", "winter", "spring", "autumn", "changeme", "default", "coaching", "coach", "portal",
    "sponsor", "northwind", "trustno1", "abc123", "123456",
)  # fmt: skip


class AccessError(Exception):
    """The build must not go on: every problem with readers, access lists or passphrases."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return f"coachportal: {self.problems[0]}"
        return "\n".join(f"coachportal: {p}" for p in self.problems)


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
    for reader_id in readers:
        problem = reader_id_problem(reader_id)
        if problem is not None:
            problems.append(f"reader {reader_id!r} under readers: in mkdocs.yml: bad reader id: {problem}")
    return problems


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


# --- secrets ------------------------------------------------------------------------------------


def is_tracked_by_git(path: Path) -> bool:
    """True when ``git ls-files --error-unmatch`` knows the file (False without git or a repo)."""
    path = path.resolve()
    try:
        result = subprocess.run(
            ["git", "ls-files", "--error-unmatch", "--", path.name],
            cwd=path.parent,
            capture_output=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0


def load_secrets_file(path: Path) -> dict[str, str]:
    """Reader id -> passphrase from a YAML file; warns when git tracks the file."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    if not path.is_file():
        raise AccessError([f"secrets file not found: {path} (named by {SECRETS_ENV})"])
    if is_tracked_by_git(path):
        log.warning(
            f"coachportal: the secrets file {path} is tracked by git; real passphrases must never be "
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


# --- strength -------------------------------------------------------------------------------------


def _pool_size(text: str) -> int:
    classes = {
        "lower": any(c in string.ascii_lowercase for c in text),
        "upper": any(c in string.ascii_uppercase for c in text),
        "digit": any(c in string.digits for c in text),
        "punct": any(c in string.punctuation for c in text),
        "space": any(c == " " for c in text),
        "other": any(c not in string.printable or c in "\t\n\r\x0b\x0c" for c in text),
    }
    sizes = {"lower": 26, "upper": 26, "digit": 10, "punct": 33, "space": 1, "other": 100}
    return sum(size for name, size in sizes.items() if classes[name])


def _effective_length(text: str) -> int:
    low = text.lower()
    n = len(low)
    counts = [1] * n
    # common words count as one character
    for word in COMMON_WORDS:
        for m in re.finditer(re.escape(word), low):
            for i in range(m.start() + 1, m.end()):
                counts[i] = 0
    # keyboard-row stretches of 4+ count as one character
    for row in KEYBOARD_ROWS:
        for line in (row, row[::-1]):
            i = 0
            while i < n:
                j = i
                while j < n and line.find(low[i : j + 1]) >= 0:
                    j += 1
                if j - i >= 4:
                    for k in range(i + 1, j):
                        counts[k] = 0
                    i = j
                else:
                    i += 1
    # repeats and constant-step runs
    for i in range(1, n):
        step = ord(low[i]) - ord(low[i - 1])
        if step == 0 or abs(step) == 1 and i >= 2 and ord(low[i - 1]) - ord(low[i - 2]) == step:
            counts[i] = 0
    # stretches of 3+ characters seen earlier
    i = 1
    while i < n:
        longest = 0
        for length in range(3, n - i + 1):
            if low[i : i + length] in low[:i]:
                longest = length
            else:
                break
        if longest:
            for k in range(i + 1, i + longest):
                counts[k] = 0
            counts[i] = 0
            i += longest
        else:
            i += 1
    return sum(counts)


def estimate_bits(passphrase: str) -> float:
    """The strength estimate of the module docstring, in bits."""
    text = unicodedata.normalize("NFC", passphrase)
    if not text:
        return 0.0
    return _effective_length(text) * math.log2(max(_pool_size(text), 1))


def passphrase_problem(passphrase: str) -> str | None:
    """Why a passphrase is too weak, without quoting it; None when it passes the rule."""
    text = unicodedata.normalize("NFC", passphrase)
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
    if len(text) < MIN_LENGTH:
        return (
            f"passphrase too weak: {len(text)} characters (at least {MIN_LENGTH}; four random words are best)"
        )
    bits = estimate_bits(text)
    if bits < MIN_BITS:
        return (
            f"passphrase too weak: about {bits:.0f} bits (at least {MIN_BITS:.0f}; avoid repeats, sequences,"
            " keyboard rows and common words; four random words are best)"
        )
    return None


# --- resolution ------------------------------------------------------------------------------------


def resolve_passphrases(
    readers: Mapping[str, Any],
    engagements: Sequence[tuple[str, Sequence[str]]],
    environ: Mapping[str, str] | None = None,
    *,
    base_dir: Path | None = None,
) -> dict[str, str]:
    """Reader id -> passphrase for every reader that some engagement lists in ``access:``.

    ``readers`` is the plugin's ``readers:`` mapping; ``engagements`` pairs each engagement
    id with its ``access:`` list. A relative ``COACHPORTAL_SECRETS`` path is taken from
    ``base_dir`` (default: the current directory). The environment wins over the file.
    Raises :class:`AccessError` with every problem found.
    """
    environ = os.environ if environ is None else environ
    problems = check_readers(readers)
    declared = [r for r in readers if isinstance(r, str)]
    used: list[str] = []
    for engagement_id, access in engagements:
        if not access:
            problems.append(
                f"engagement {engagement_id!r} has no reader: list at least one reader id in its access:"
                " (readers are declared under the coachportal plugin's readers: in mkdocs.yml)"
            )
            continue
        for reader_id in access:
            if reader_id not in readers:
                known = ", ".join(sorted(declared)) or "none"
                problems.append(
                    f"engagement {engagement_id!r}: access: lists unknown reader {reader_id!r}"
                    f" (declared readers: {known}){_suggest(str(reader_id), declared)}"
                )
            elif reader_id not in used:
                used.append(reader_id)

    from_file: dict[str, str] = {}
    secrets_path = environ.get(SECRETS_ENV, "").strip()
    if secrets_path:
        path = Path(secrets_path).expanduser()
        if not path.is_absolute():
            path = (base_dir or Path.cwd()) / path
        try:
            from_file = load_secrets_file(path)
        except AccessError as exc:
            problems.extend(exc.problems)
        for key in from_file:
            if key not in readers:
                log.warning(f"coachportal: the secrets file names an undeclared reader {key!r}; ignored")

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
        problem = passphrase_problem(passphrase)
        if problem:
            source = var if environ.get(var) else secrets_path
            problems.append(f"reader {reader_id!r}: {problem} (from {source})")
            continue
        passphrases[reader_id] = passphrase
    if problems:
        raise AccessError(problems)
    return passphrases
