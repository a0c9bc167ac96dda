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
* passphrases: present, and each passing the strength rule of
  :mod:`coachportal.protect.strength` (:func:`resolve_passphrases`).

A reader's passphrase comes from, in this order:

1. the environment variable ``COACHPORTAL_PASSPHRASE_<READER_ID>`` (the id in upper case,
   dashes as underscores: ``northwind-hr`` -> ``COACHPORTAL_PASSPHRASE_NORTHWIND_HR``);
2. a YAML file mapping reader id -> passphrase, named by ``COACHPORTAL_SECRETS``
   (a warning is logged when that file is tracked by git).

The build fails closed (:class:`AccessError`, one line per problem naming the reader or
engagement, every problem at once). Passphrases never appear in a message.

The strength rule (typable, long, not published or famous, free of what an attacker
knows, hard to guess for zxcvbn, no two readers' alike) is
:mod:`coachportal.protect.strength`'s.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..protect import strength
from . import git
from .checks import Finding, Loc, id_problem
from .log import get_logger, prefixed
from .models import ID_MAX_LENGTH, Engagement, Level
from .suggest import suggestion

log = get_logger(__name__)

ENV_PREFIX = "COACHPORTAL_PASSPHRASE_"
SECRETS_ENV = "COACHPORTAL_SECRETS"
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
    unknown = [(i, r) for i, r in enumerate(listed) if isinstance(r, str) and r not in readers]
    if not unknown:  # the usual case: no need to sort every declared reader for the message
        return []
    known = sorted(r for r in readers if isinstance(r, str))  # a bad id (42) is check_readers' to report
    return [
        (
            ("access", i),
            f"unknown reader '{reader}'{suggestion(reader, known)} (expected a reader declared under"
            f" {READERS_HOME}: {', '.join(known) or 'none is declared'})",
        )
        for i, reader in unknown
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


def resolve_passphrases(
    readers: Mapping[str, Any],
    engagements: Sequence[Engagement],
    environ: Mapping[str, str] | None = None,
    *,
    base_dir: Path | None = None,
    site_name: str = "",
    audience: Level = Level.SPONSOR,
    demo: bool = False,
) -> dict[str, str]:
    """Reader id -> passphrase for every reader that some engagement lists in ``access:``.

    ``readers`` is the plugin's ``readers:`` mapping (id -> ``{name, level}``);
    ``engagements`` the portal's models; ``site_name`` and the engagements are what an
    attacker may know (:func:`reader_clues`). A relative ``COACHPORTAL_SECRETS`` path is
    taken from ``base_dir`` (default: the current directory). The environment wins over
    the file. Raises :class:`AccessError` with every problem found: reader declarations,
    access lists, levels below ``audience``, missing, weak and shared passphrases.
    ``demo``: the demo portal, which alone may use its own published passphrases.
    """
    environ = os.environ if environ is None else environ
    problems = check_readers(readers)
    problems += _access_problems(engagements, readers)
    problems += readers_below(audience, engagements, readers)
    used = [r for r in dict.fromkeys(r for e in engagements for r in e.access) if r in readers]
    secrets_path, from_file = _secrets_from_file(environ, readers, base_dir, problems)

    passphrases: dict[str, str] = {}
    clues_of = _Clues(engagements, site_name)
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
        name = str(_setting(readers[reader_id], "name") or "")
        clues = clues_of.reader(reader_id, name)
        problem = strength.passphrase_problem(passphrase, clues, demo=demo)
        if problem:
            source = var if environ.get(var) else secrets_path
            problems.append(f"reader {reader_id!r}: {problem} (from {source})")
            continue
        passphrases[reader_id] = passphrase
    problems += strength.shared_passphrases(passphrases)
    if problems:
        raise AccessError(problems)
    return passphrases


def _engagement_words(e: Engagement) -> list[str]:
    """The background's and goals' text: words a reader of the engagement knows."""
    kickoff = e.stages.awareness.kickoff
    plan = e.stages.analysis.plan
    texts = [kickoff.background or "", *kickoff.goals, *kickoff.expected_outcomes] if kickoff else []
    texts += [text for g in (plan.goals if plan else []) for text in (g.goal, *g.measures)]
    return [text for text in texts if text.strip()]


def reader_clues(
    reader_id: str, reader_name: str, engagements: Iterable[Engagement], site_name: str = ""
) -> list[strength.Clue]:
    """What an attacker may know about ``reader_id``: the reader, the site, and every engagement
    the reader opens (its id, title, client, organisation, coach, sponsor and team; its
    background and goals as context words, :class:`strength.Clue` ``context``)."""
    return _Clues(engagements, site_name).reader(reader_id, reader_name)


class _Clues:
    """Every reader's clues (:func:`reader_clues`) from one pass over the engagements: each
    engagement's clues are made once and shared by its readers (with their folded words)."""

    def __init__(self, engagements: Iterable[Engagement], site_name: str) -> None:
        self.site_name = site_name
        self._opened: dict[str, list[Engagement]] = {}  # reader id -> engagements, in order
        for e in engagements:
            for reader_id in dict.fromkeys(e.access):
                self._opened.setdefault(reader_id, []).append(e)
        self._of: dict[int, list[strength.Clue]] = {}  # by id(engagement)

    def reader(self, reader_id: str, reader_name: str) -> list[strength.Clue]:
        clues = [
            strength.Clue("the reader's id", reader_id),
            strength.Clue("the reader's name", reader_name),
            strength.Clue("the site name", self.site_name),
        ]
        clues = [clue for clue in clues if clue.text.strip()]
        for e in self._opened.get(reader_id, []):
            if id(e) not in self._of:
                self._of[id(e)] = _engagement_clues(e)
            clues += self._of[id(e)]
        return clues


def _engagement_clues(e: Engagement) -> list[strength.Clue]:
    clues = [
        strength.Clue(f"the id of engagement {e.id!r}", e.id),
        strength.Clue(f"the client's name in engagement {e.id!r}", e.client.name),
        strength.Clue(f"the client's organisation in engagement {e.id!r}", e.client.organization or ""),
        strength.Clue(f"the coach's name in engagement {e.id!r}", e.coach.name),
        strength.Clue(f"the sponsor's name in engagement {e.id!r}", e.sponsor.name if e.sponsor else ""),
        strength.Clue(f"the title of engagement {e.id!r}", e.title),
        strength.Clue(f"the programme of engagement {e.id!r}", e.programme or ""),
        *(strength.Clue(f"a team member's name in engagement {e.id!r}", m.name) for m in e.team),
        *(strength.Clue("", text, context=True) for text in _engagement_words(e)),
    ]
    return [clue for clue in clues if clue.text.strip()]
