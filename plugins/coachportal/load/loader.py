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
   :mod:`coachportal.yamltext` builds plain dicts, lists and scalars from it, so that
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

``load_engagements`` reads every ``*.yml`` / ``*.yaml`` regular file of a directory
(hidden files such as editor backups are skipped) and adds one check across files:
engagement ids must be unique.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Collection
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..core import access, checks
from ..core.errors import EngagementError, Problem
from ..core.models import Engagement
from ..core.parallel import SERIAL, Workers
from .messages import pydantic_problems
from .yamltext import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NODES,
    Fatal,
    Loc,
    Located,
    Positions,
    field_path,
    parse,
    read_text,
    short,
)

__all__ = ["MAX_ALIASES", "MAX_DEPTH", "MAX_FILE_BYTES", "MAX_NODES", "load_engagement", "load_engagements"]

MAPPING_EXPECTED = "expected a mapping of engagement fields"


# --- files ------------------------------------------------------------------


@dataclass
class _Loaded:
    engagement: Engagement | None
    data: Any
    positions: Positions
    problems: list[Problem]


def _problem(path: Path, where: tuple[int, int], loc: Loc, message: str) -> Problem:
    shown = tuple(p for p in loc if p != "<key>")
    return Problem(path, where[0], where[1], field_path(shown), message)


def _under(loc: Loc, poisoned: set[Loc]) -> bool:
    return any(loc[: len(p)] == p for p in poisoned)


# Files read by this process, by their text's digest: `mkdocs serve` rebuilds (and the
# previous versions of "Since the last update") read an unchanged file once. The located
# data is never changed after parsing; at most MAX_PARSED entries are kept.
MAX_PARSED = 10_000
_parsed: dict[str, Located] = {}
# And across builds, when the plugin names a directory ($COACHPORTAL_CACHE_DIR, e.g.
# `.cache/coachportal/` beside mkdocs.yml, never inside site/): one pickle per text, keyed
# by the text, coachportal's version and Python's. Safe to delete at any time.
_cache_dir: Path | None = None


def use_cache_dir(directory: Path | None) -> None:
    global _cache_dir
    _cache_dir = directory


def _version() -> str:
    try:
        return metadata.version("coachportal")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "0"


_SALT = f"coachportal {_version()} python {sys.version}\n".encode()


def _parse(text: str, keep: bool = True) -> Located:
    key = hashlib.sha256(_SALT + text.encode("utf-8")).hexdigest()
    located = _parsed.get(key)
    if located is None:
        located = _from_disk(key)
    if located is None:
        located = parse(text)
        _to_disk(key, located)
    if keep:
        if len(_parsed) >= MAX_PARSED:
            _parsed.clear()
        _parsed[key] = located
    return located


def _from_disk(key: str) -> Located | None:
    if _cache_dir is None:
        return None
    try:
        located = pickle.loads((_cache_dir / "parsed" / f"{key}.pickle").read_bytes())
    except Exception:  # noqa: BLE001 - missing, truncated or stale: parse again
        return None
    return located if isinstance(located, Located) else None


def _to_disk(key: str, located: Located) -> None:
    if _cache_dir is None:
        return
    target = _cache_dir / "parsed" / f"{key}.pickle"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f".{key}.{os.getpid()}.tmp")
        temp.write_bytes(pickle.dumps(located, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temp, target)
    except OSError:
        pass  # a read-only checkout builds without the cache


# Files validated by this process, by path, text and readers (the models are frozen):
# a `mkdocs serve` rebuild validates only the files that changed. The latest entry per path.
_validated: dict[Path, tuple[tuple[str, frozenset[str] | None], _Loaded]] = {}


_Key = tuple[str, frozenset[str] | None]


def _load(path: Path, readers: Collection[str] | None = None) -> _Loaded:
    return _load_keyed((path, None if readers is None else frozenset(readers)))[1]


def _load_once(job: tuple[Path, frozenset[str] | None]) -> tuple[None, _Loaded]:
    """One file for a build that keeps nothing for later: what the build needs of it (the
    model, its id and where the id is, the problems), not its data and every position,
    which are most of what a worker would send back and most of what memory would hold."""
    _, loaded = _load_keyed(job, keep=False)
    ident = loaded.data.get("id") if isinstance(loaded.data, dict) else None
    data = {"id": ident} if ident is not None else loaded.data if not isinstance(loaded.data, dict) else {}
    where = {("id",): loaded.positions.value(("id",))}
    return None, _Loaded(loaded.engagement, data, Positions(values=where), loaded.problems)


def _load_keyed(job: tuple[Path, frozenset[str] | None], keep: bool = True) -> tuple[_Key | None, _Loaded]:
    """One file, validated (or this process's earlier result for the same text and readers),
    with the key it is remembered under (``keep``: remembered, and its parse too).
    Module-level: it also runs in worker processes."""
    path, readers = job
    try:
        text = read_text(path)
    except Fatal as fatal:
        problem = _problem(path, (fatal.line, fatal.column), fatal.loc, fatal.message)
        return None, _Loaded(None, None, Positions(), [problem])
    key = (text, readers)
    known = _validated.get(path)
    if known is not None and known[0] == key:
        return key, known[1]
    loaded = _load_text(path, text, readers, keep)
    if keep:
        _remember(path, key, loaded)
    return key, loaded


def uncached(paths: list[Path]) -> int:
    """How many of ``paths`` this process has not validated yet (a guess by path: a
    `mkdocs serve` rebuild has them all, a build has none)."""
    return sum(1 for path in paths if path not in _validated)


def _remember(path: Path, key: _Key, loaded: _Loaded) -> None:
    if len(_validated) >= MAX_PARSED and path not in _validated:
        _validated.clear()
    _validated[path] = (key, loaded)


def _load_text(path: Path, text: str, readers: Collection[str] | None, keep: bool = True) -> _Loaded:
    located = _parse(text, keep)
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


def _validate(
    path: Path,
    data: dict[str, Any],
    located: Located,
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


def load_engagement(path: Path, readers: Collection[str] | None = None) -> Engagement:
    """Load and validate one engagement file; raise :class:`EngagementError` with every problem.

    With ``readers`` (the reader ids of mkdocs.yml, for an encrypted build) ``access:``
    must name at least one reader, and only those.
    """
    loaded = _load(Path(path), readers)
    if loaded.problems or loaded.engagement is None:
        raise EngagementError(loaded.problems)
    return loaded.engagement


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


def load_engagements(
    directory: Path, readers: Collection[str] | None = None, workers: Workers = SERIAL, reuse: bool = True
) -> list[Engagement]:
    """Every ``*.yml``/``*.yaml`` file of ``directory``, sorted by id; all problems at once.

    ``readers``: as for :func:`load_engagement`; ``workers``: where the files are validated;
    ``reuse``: keep every file's result for a later build in this process (`mkdocs serve`).
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise EngagementError(
            [
                Problem(
                    directory,
                    1,
                    1,
                    "",
                    "engagements directory not found (expected a directory of *.yml files)",
                )
            ]
        )
    paths = engagement_files(directory)
    frozen = None if readers is None else frozenset(readers)
    results = workers.map(_load_keyed if reuse else _load_once, [(path, frozen) for path in paths])
    engagements: list[Engagement] = []
    problems: list[Problem] = []
    first: dict[str, _Place] = {}  # id -> the file, line and column that set it first
    for path, (key, loaded) in zip(paths, results, strict=True):
        if key is not None and workers.count > 1 and reuse:
            _remember(path, key, loaded)  # validated in a worker: the next rebuild reuses it here
        problems.extend(loaded.problems)
        duplicate = _duplicate_id(path, loaded, first)
        if duplicate is not None:
            problems.append(duplicate)
        if loaded.engagement is not None and not loaded.problems:
            engagements.append(loaded.engagement)
    if problems:
        raise EngagementError(problems)
    return sorted(engagements, key=lambda e: e.id)
