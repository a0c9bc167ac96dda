"""Load engagement files: bytes -> YAML nodes -> plain data with positions -> pydantic.

Every problem is reported as ``path:line:column: field.path: message (expected)``
(see :mod:`coachportal.errors`), all problems of a file at once; nothing here lets a
traceback reach a coach.

How a file is read
------------------
1. ``stat()`` first: a file over :data:`MAX_FILE_BYTES` is refused before it is read.
2. The bytes must be UTF-8 (a leading byte-order mark is dropped; CRLF line ends are
   fine). The first bad byte is reported with its line and column. Control
   characters YAML does not allow (NUL, ...) are reported the same way.
3. ruamel.yaml (pure-Python, YAML 1.2) composes the text into its node graph, where
   every node carries its line and column and an alias is the anchored node itself;
   :mod:`coachportal.load.yamltext` builds plain dicts, lists and scalars from it, so that
   it can record the position of every key and value, refuse duplicate keys and
   tags, and count aliases by their expanded size (remembered per node) without
   expanding anything. Timestamps stay text, so that pydantic parses dates and
   ``2026-02-30`` becomes an ordinary located error.
4. pydantic validates the data against :class:`coachportal.models.Engagement`; its
   errors are mapped back to the YAML position (the value for a bad value, the key
   for an unknown key, the enclosing mapping for a missing field) and rewritten as
   plain sentences with did-you-mean suggestions (:mod:`coachportal.messages`).
5. :mod:`coachportal.checks` cross-checks the data (unique ids, references, date
   order) and reports located problems as well.

Limits
------
* :data:`MAX_FILE_BYTES` = 1 MiB per file (the reference files are ~10 KB).
* :data:`MAX_ALIASES` = 100 alias uses (``*name``) per file.
* :data:`MAX_NODES` = 20,000 values per file counted with every alias expanded
  (an "alias bomb" of nested aliases is refused at the alias that crosses it,
  without ever building the expanded structure).
* :data:`MAX_DEPTH` = 32 levels of nesting (the model needs at most 9).
* Only the YAML core tags (``!!str``, ``!!int``, ``!!float``, ``!!bool``,
  ``!!null``, ``!!map``, ``!!seq``, ``!!timestamp``) and the non-specific ``!`` are
  accepted; any other tag (``!!python/...``, ``!custom``) is refused.
* One YAML document per file. Keys must be plain scalars. Merge keys (``<<:``)
  are supported.

:meth:`Loader.sources` reads every ``*.yml`` / ``*.yaml`` regular file of a directory
(hidden files such as editor backups are skipped), adds one check across files (engagement
ids must be unique) and returns each engagement with the file it came from
(:class:`Source`). :meth:`Loader.load_text` validates a text that is not on disk (a
previous version from git, an edit about to be written) under the name of its file.

A :class:`Loader` keeps what a later build in the same process may reuse (`mkdocs
serve`): each text's parse, each file's validation, and optionally a directory of parsed
files on disk (:class:`cache.ParseCache`). ``load_engagement``/``load_engagements`` use
a loader of their own that keeps nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..core import access, checks
from ..core.errors import EngagementError, Problem
from ..core.models import Engagement
from ..core.parallel import SERIAL, Workers
from .cache import MAX_ENTRIES, ParseCache
from .messages import pydantic_problems
from .positions import Fatal, Loc, Positions, field_path, short
from .yamlrules import MAX_ALIASES, MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES
from .yamltext import read_text

__all__ = [
    "MAX_ALIASES",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "Loader",
    "Source",
    "engagement_files",
    "load_engagement",
    "load_engagements",
]

MAPPING_EXPECTED = "expected a mapping of engagement fields"


@dataclass(frozen=True)
class Source:
    """One engagement and the file it was loaded from: the path travels with the data."""

    path: Path
    engagement: Engagement


@dataclass
class _Loaded:
    engagement: Engagement | None
    data: Any
    positions: Positions
    problems: list[Problem]

    def slim(self) -> _Loaded:
        """What a build needs of a file it keeps nothing of (the model, the id and where it
        is, the problems): not its data and every position, which are most of what a
        worker would send back and most of what memory would hold."""
        data = self.data
        ident = data.get("id") if isinstance(data, dict) else None
        kept = {"id": ident} if ident is not None else data if not isinstance(data, dict) else {}
        where = {("id",): self.positions.value(("id",))}
        return _Loaded(self.engagement, kept, Positions(values=where), self.problems)


_Readers = frozenset[str] | None
_Key = tuple[str, _Readers]  # the text and the readers a file was validated with
_Job = tuple[Path, _Readers, Path | None]  # a file, the readers, the parse cache's directory


def _problem(path: Path, where: tuple[int, int], loc: Loc, message: str) -> Problem:
    shown = tuple(p for p in loc if p != "<key>")
    return Problem(path, where[0], where[1], field_path(shown), message)


def _under(loc: Loc, poisoned: set[Loc]) -> bool:
    return any(loc[: len(p)] == p for p in poisoned)


class Loader:
    """Reads and validates engagement files, remembering what a later build may reuse."""

    def __init__(self, cache_dir: Path | None = None, *, keep: bool = True) -> None:
        # keep: remember parses and validations (False: a one-off load, or a worker)
        self.parses = ParseCache(cache_dir, keep=keep)
        self.keep = keep
        # Files validated, by path, with the text and readers (the models are frozen): a
        # `mkdocs serve` rebuild validates only the files that changed. The latest per path.
        self._validated: dict[Path, tuple[_Key, _Loaded]] = {}

    def __len__(self) -> int:
        """How many files' validations this loader holds for a later build."""
        return len(self._validated)

    # --- one file ---------------------------------------------------------------------

    def load(self, path: Path, readers: Collection[str] | None = None) -> Engagement:
        """One engagement file, validated; :class:`EngagementError` with every problem.

        With ``readers`` (the reader ids of mkdocs.yml, for an encrypted build) ``access:``
        must name at least one reader, and only those.
        """
        return _checked(self._file(Path(path), _frozen(readers))[1])

    def load_text(self, path: Path, text: str, readers: Collection[str] | None = None) -> Engagement:
        """``text`` validated as if it were the content of ``path`` (problems name ``path``):
        a previous version from git, or an edit before it is written. Nothing is written."""
        return _checked(self._text(Path(path), text, _frozen(readers)))

    def _file(self, path: Path, readers: _Readers) -> tuple[_Key | None, _Loaded]:
        try:
            text = read_text(path)
        except Fatal as fatal:
            problem = _problem(path, (fatal.line, fatal.column), fatal.loc, fatal.message)
            return None, _Loaded(None, None, Positions(), [problem])
        key = (text, readers)
        known = self._validated.get(path)
        if known is not None and known[0] == key:
            return key, known[1]
        loaded = self._text(path, text, readers)
        if self.keep:
            self._remember(path, key, loaded)
        return key, loaded

    def _remember(self, path: Path, key: _Key, loaded: _Loaded) -> None:
        if len(self._validated) >= MAX_ENTRIES and path not in self._validated:
            self._validated.clear()
        self._validated[path] = (key, loaded)

    def _text(self, path: Path, text: str, readers: _Readers) -> _Loaded:
        located = self.parses.parse(text)
        data, pos = located.data, located.positions
        problems = [_problem(path, where, loc, msg) for loc, where, msg in located.problems]
        if located.fatal:
            return _Loaded(None, None, pos, problems)
        if not located.present or data is None:
            if not problems:
                problems.append(Problem(path, 1, 1, "", f"the file is empty ({MAPPING_EXPECTED})"))
            return _Loaded(None, data, pos, problems)
        if not isinstance(data, dict):
            got = "a list" if isinstance(data, list) else f"a single value '{short(data)}'"
            problems.append(_problem(path, pos.value(()), (), f"the file holds {got} ({MAPPING_EXPECTED})"))
            return _Loaded(None, data, pos, problems)
        return _validate(path, data, located, problems, readers)

    # --- a directory --------------------------------------------------------------------

    def uncached(self, paths: list[Path]) -> int:
        """How many of ``paths`` this loader has not validated yet (a guess by path: a
        `mkdocs serve` rebuild has them all, a first build none)."""
        return sum(1 for path in paths if path not in self._validated)

    def sources(
        self, directory: Path, readers: Collection[str] | None = None, workers: Workers = SERIAL
    ) -> list[Source]:
        """Every engagement file of ``directory`` with its engagement, sorted by id; all
        problems of all files at once (:class:`EngagementError`).

        ``readers``: as for :meth:`load`; ``workers``: where the files are validated.
        """
        directory = Path(directory)
        if not directory.is_dir():
            problem = "engagements directory not found (expected a directory of *.yml files)"
            raise EngagementError([Problem(directory, 1, 1, "", problem)])
        paths = engagement_files(directory)
        frozen = _frozen(readers)
        if workers.count > 1:
            jobs: list[_Job] = [(path, frozen, self.parses.directory) for path in paths]
            results = workers.map(_load_in_worker if self.keep else _load_slim_in_worker, jobs)
        else:
            results = [self._file(path, frozen) for path in paths]
            results = results if self.keep else [(key, loaded.slim()) for key, loaded in results]
        found: list[Source] = []
        problems: list[Problem] = []
        first: dict[str, _Place] = {}  # id -> the file, line and column that set it first
        for path, (key, loaded) in zip(paths, results, strict=True):
            if key is not None and workers.count > 1 and self.keep:
                self._remember(path, key, loaded)  # validated in a worker: the next rebuild reuses it here
            problems.extend(loaded.problems)
            duplicate = _duplicate_id(path, loaded, first)
            if duplicate is not None:
                problems.append(duplicate)
            if loaded.engagement is not None and not loaded.problems:
                found.append(Source(path, loaded.engagement))
        if problems:
            raise EngagementError(problems)
        return sorted(found, key=lambda s: s.engagement.id)


def _frozen(readers: Collection[str] | None) -> _Readers:
    return None if readers is None else frozenset(readers)


def _checked(loaded: _Loaded) -> Engagement:
    if loaded.problems or loaded.engagement is None:
        raise EngagementError(loaded.problems)
    return loaded.engagement


def _load_in_worker(job: _Job) -> tuple[_Key | None, _Loaded]:
    """One file in a worker process (module-level: sent to the workers by name); the
    parent remembers the result."""
    path, readers, cache_dir = job
    return Loader(cache_dir, keep=False)._file(path, readers)


def _load_slim_in_worker(job: _Job) -> tuple[_Key | None, _Loaded]:
    key, loaded = _load_in_worker(job)
    return key, loaded.slim()


def _validate(
    path: Path,
    data: dict[str, Any],
    located: Any,
    problems: list[Problem],
    readers: Collection[str] | None,
) -> _Loaded:
    """Schema and cross-checks of a file that holds a mapping; problems under poisoned values are dropped."""
    pos = located.positions
    engagement: Engagement | None = None
    found: list[tuple[Loc, tuple[int, int], str]] = []
    try:
        engagement = Engagement.model_validate(data)
    except ValidationError as exc:
        found.extend(pydantic_problems(exc, data, pos))
    findings = checks.cross_check(data, lambda loc: pos.value(tuple(loc))[0])
    if readers is not None:
        findings += access.access_findings(data, readers)
    for finding in findings:
        found.append(
            (finding.loc, pos.key(finding.loc) if finding.at_key else pos.value(finding.loc), finding.message)
        )
    for loc, where, msg in found:
        if not _under(loc, located.poisoned):
            problems.append(_problem(path, where, loc, msg))
    problems = list(dict.fromkeys(problems))
    if problems:
        engagement = None
    return _Loaded(engagement, data, pos, problems)


_Place = tuple[Path, int, int]


def _duplicate_id(path: Path, loaded: _Loaded, first: dict[str, _Place]) -> Problem | None:
    """A problem when this file's id is already used by an earlier file; else record the id."""
    ident = loaded.data.get("id") if isinstance(loaded.data, dict) else None
    if not isinstance(ident, str):
        return None
    line, column = loaded.positions.value(("id",))
    if ident not in first:
        first[ident] = (path, line, column)
        return None
    # path:line:column of the first use, so that an editor or terminal can open it
    earlier = ":".join(str(part) for part in first[ident])
    return Problem(
        path,
        line,
        column,
        "id",
        f"duplicate engagement id '{short(ident)}': already used at "
        f"{earlier} (expected an id unique across files)",
    )


def engagement_files(directory: Path) -> list[Path]:
    """The engagement files of ``directory`` (``*.yml``, ``*.yaml``; not hidden ones), sorted."""
    return sorted(
        p
        for p in [*Path(directory).glob("*.yml"), *Path(directory).glob("*.yaml")]
        if p.is_file() and not p.name.startswith(".")
    )


def load_engagement(path: Path, readers: Collection[str] | None = None) -> Engagement:
    """One engagement file, validated (a loader that keeps nothing): see :meth:`Loader.load`."""
    return Loader(keep=False).load(path, readers)


def load_engagements(
    directory: Path, readers: Collection[str] | None = None, workers: Workers = SERIAL
) -> list[Engagement]:
    """Every engagement of ``directory``, sorted by id (a loader that keeps nothing)."""
    return [s.engagement for s in Loader(keep=False).sources(directory, readers, workers)]
