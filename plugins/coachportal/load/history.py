"""The git history of engagement files: when each was last updated, and its previous version.

"Since the last update" compares the file being built with the version before the
last update. The rule, per file:

* The working tree holds uncommitted changes to the file (or the file is not
  committed yet): the last update is those changes. It is compared with the version
  of the most recent commit (``HEAD``), and "last updated" is the file's
  modification time.
* The working tree equals the most recent commit that changed the file (C1) — the
  usual case, and the case of a CI build right after a coach's commit: the last
  update is C1. It is compared with the version just before C1 (C1's first parent),
  and "last updated" is C1's commit date. A file that C1 added has no previous
  version: no change list.
* Not in a git repository, git not installed, or the file not committed: "last
  updated" is the modification time, and there is no change list.

History follows the first parent (``--first-parent``, merges diffed against their first
parent): on ``main``, a merged branch is one update. Renames are not followed.

Shallow clones (CI's ``fetch-depth: 1``): a commit at the clone's boundary has no
parents here, so what it changed is unknown; a file whose last change is not found
above the boundary gets that commit's date as "last updated" and no change list, and
:attr:`Histories.shallow` says so for a log line. ``fetch-depth: 0`` (the whole
history) makes every file exact; a depth of 2 already covers files changed by the
commit being built.

Cost: one ``git status`` and one ``git log --name-only`` for the whole directory
(read only until every file has been seen twice), one ``git cat-file --batch`` for
every previous version at once, and three small ``git rev-parse`` — six processes
whatever the number of files (``tests/bench_history.py`` measures it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from ..core.git import GitError, git, stream

_RECORD, _UNIT = "\x1e", "\x1f"
_LOG_FORMAT = f"--format={_RECORD}%H %P{_UNIT}%cI"


@dataclass(frozen=True)
class FileHistory:
    """What the history says about one engagement file."""

    last_updated: dt.date | None  # last commit date, or the modification time (see the module doc)
    previous: str | None = None  # text of the version to compare with; None: no change list
    previous_date: dt.date | None = None  # commit date of that version, when known


@dataclass
class Histories:
    """The histories of the files of one directory, and what limited them."""

    files: dict[Path, FileHistory]
    repository: bool = True  # False: no git, or not a repository
    shallow: list[Path] = field(default_factory=list)  # files whose history stops at a shallow boundary
    unreadable: list[Path] = field(default_factory=list)  # previous versions that are not UTF-8 text
    problem: str | None = None  # why git gave nothing (for a log line)


@dataclass(frozen=True)
class _Commit:
    sha: str
    parents: tuple[str, ...]
    date: dt.date


def _mtime(path: Path) -> dt.date | None:
    try:
        return dt.date.fromtimestamp(path.stat().st_mtime)
    except OSError:
        return None


def _commit_date(iso: str) -> dt.date:
    """The committer's own calendar day (%cI keeps its time zone)."""
    return dt.datetime.fromisoformat(iso).date()


def _dirty(top: Path, rel_dir: str) -> set[str]:
    """Paths (relative to the top) that differ from HEAD: staged, unstaged or untracked."""
    out = git(top, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", rel_dir)
    tokens = out.decode("utf-8", "surrogateescape").split("\0")
    dirty: set[str] = set()
    skip = False
    for token in tokens:
        if skip:  # the original path of a rename or copy
            skip = False
            continue
        if len(token) < 4:
            continue
        status, path = token[:2], token[3:]
        dirty.add(path)
        skip = "R" in status or "C" in status
    return dirty


def _log_records(top: Path, rel_dir: str) -> Iterator[tuple[_Commit, list[str]]]:
    """Commits that changed something under ``rel_dir``, newest first, with the paths they changed.

    Streamed: the caller stops reading once it has what it needs, and the process is
    ended then.
    """
    args = ["log", "--first-parent", "-m", "--no-renames", "--name-only", "-z", _LOG_FORMAT, "--", rel_dir]
    buffer = ""
    with closing(stream(top, *args)) as chunks:
        for chunk in _with_end(chunks):
            buffer += chunk.decode("utf-8", "surrogateescape") if chunk else _RECORD
            *complete, buffer = buffer.split(_RECORD)
            for record in complete:
                if record:
                    yield _parse_record(record)


def _with_end(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks, then an empty one that marks the end (the last record has no separator after it)."""
    yield from chunks
    yield b""


def _parse_record(record: str) -> tuple[_Commit, list[str]]:
    header, _, names = record.partition("\0")
    shas, _, iso = header.partition(_UNIT)
    sha, *parents = shas.split()
    paths = [n.lstrip("\n") for n in names.split("\0")]
    return _Commit(sha, tuple(parents), _commit_date(iso.strip())), [p for p in paths if p]


def _blobs(top: Path, specs: Sequence[str]) -> list[bytes | None]:
    """The contents of ``<commit>:<path>`` objects, one ``git cat-file --batch`` for all (None: missing)."""
    if not specs:
        return []
    out = git(top, "cat-file", "--batch", stdin="".join(f"{s}\n" for s in specs).encode("utf-8"))
    blobs: list[bytes | None] = []
    at = 0
    for _ in specs:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            blobs.append(out[at : at + size])
            at += size + 1  # the content is followed by a newline
        else:  # "<spec> missing", "ambiguous", or not a blob
            blobs.append(None)
    return blobs


def _shallow_commits(top: Path) -> set[str]:
    path = Path(git(top, "rev-parse", "--git-path", "shallow").decode().strip())
    path = path if path.is_absolute() else top / path
    try:
        return set(path.read_text(encoding="ascii").split())
    except OSError:
        return set()


def histories(directory: Path, paths: Sequence[Path]) -> Histories:
    """The history of each of ``paths`` (files directly in ``directory``); never raises for git's sake."""
    directory = Path(directory).resolve()
    paths = [Path(p) for p in paths]
    try:
        return _histories(directory, paths)
    except GitError as exc:
        files = {p: FileHistory(_mtime(p)) for p in paths}
        return Histories(files, repository=False, problem=str(exc))


def _histories(directory: Path, paths: list[Path]) -> Histories:
    top_text = git(directory, "rev-parse", "--show-toplevel").decode("utf-8", "surrogateescape").strip()
    top = Path(top_text).resolve()
    rel_dir = directory.relative_to(top).as_posix() if directory != top else "."
    rel = {p: p.name if rel_dir == "." else f"{rel_dir}/{p.name}" for p in paths if "\n" not in p.name}
    dirty = _dirty(top, rel_dir)
    seen = _newest_two(top, rel_dir, set(rel.values()))
    shallow = _shallow_commits(top) if seen else set()
    result = Histories({})
    specs: list[tuple[Path, str, dt.date | None]] = []  # file, object to compare with, its date
    for path in paths:
        name = rel.get(path)
        if name is None:  # a newline in the name: cat-file --batch reads one name a line
            result.files[path] = FileHistory(_mtime(path))
            continue
        spec = _compared_with(path, name, seen.get(name, []), name in dirty, shallow, result)
        if spec is not None:
            specs.append(spec)
    _add_previous(top, specs, result)
    return result


def _newest_two(top: Path, rel_dir: str, wanted: set[str]) -> dict[str, list[_Commit]]:
    """The newest two commits that changed each file (first-parent history)."""
    seen: dict[str, list[_Commit]] = {}
    complete = 0
    if not _has_head(top):
        return seen
    with closing(_log_records(top, rel_dir)) as records:
        for commit, changed in records:
            for name in changed:
                if name in wanted and len(seen.setdefault(name, [])) < 2:
                    seen[name].append(commit)
                    complete += len(seen[name]) == 2
            if complete == len(wanted):
                break
    return seen


def _compared_with(
    path: Path, name: str, commits: list[_Commit], dirty: bool, shallow: set[str], result: Histories
) -> tuple[Path, str, dt.date | None] | None:
    """Records the file's last update in ``result``; the version to compare it with, if any."""
    if dirty:
        result.files[path] = FileHistory(_mtime(path))
        return (path, f"HEAD:{name}", commits[0].date) if commits else None  # the last committed version
    if not commits:  # ignored, or outside the history
        result.files[path] = FileHistory(_mtime(path))
        return None
    last = commits[0]
    result.files[path] = FileHistory(last.date)
    if last.parents:
        previous_date = commits[1].date if len(commits) > 1 else None
        return (path, f"{last.parents[0]}:{name}", previous_date)
    if last.sha in shallow:
        result.shallow.append(path)
    return None  # else: a root commit added the file; nothing to compare with


def _add_previous(top: Path, specs: list[tuple[Path, str, dt.date | None]], result: Histories) -> None:
    """Each file's previous text, read in one ``git cat-file --batch``."""
    for (path, _, date), blob in zip(specs, _blobs(top, [s for _, s, _ in specs]), strict=True):
        if blob is None:  # the commit added the file
            continue
        try:
            text = blob.decode("utf-8")
        except UnicodeDecodeError:
            result.unreadable.append(path)
            continue
        result.files[path] = FileHistory(result.files[path].last_updated, text, date)


def _has_head(top: Path) -> bool:
    try:
        git(top, "rev-parse", "--verify", "--quiet", "HEAD")
    except GitError:
        return False  # a repository without commits yet
    return True


# --- every committed version (the frozen-round rule, load/frozen.py) ----------------------


@dataclass(frozen=True)
class Commit:
    """One committed version of one file: the commit, its date, and ``<commit>:<path>`` for git."""

    sha: str
    date: dt.date
    spec: str


@dataclass
class FileCommits:
    """Every first-parent commit that changed each file, oldest first (absent: never committed)."""

    files: dict[Path, tuple[Commit, ...]]
    repository: bool = True
    shallow: list[Path] = field(default_factory=list)  # files whose history stops at a shallow boundary
    problem: str | None = None  # why git gave nothing
    tops: dict[Path, Path] = field(default_factory=dict)  # each file's repository

    def texts(self, wanted: Sequence[tuple[Path, Commit]]) -> list[str | None]:
        """The text of each version (None: not UTF-8), one ``git cat-file --batch`` per repository."""
        by_top: dict[Path, list[int]] = {}
        for i, (path, _) in enumerate(wanted):
            by_top.setdefault(self.tops[path], []).append(i)
        out: list[str | None] = [None] * len(wanted)
        for top, indexes in by_top.items():
            blobs = _blobs(top, [wanted[i][1].spec for i in indexes])
            for i, blob in zip(indexes, blobs, strict=True):
                try:
                    out[i] = blob.decode("utf-8") if blob is not None else None
                except UnicodeDecodeError:
                    out[i] = None
        return out


def file_commits(paths: Sequence[Path]) -> FileCommits:
    """Every commit that changed each of ``paths``: one ``git log`` per directory, read to the
    end (the first committed version counts); never raises for git's sake."""
    by_dir: dict[Path, list[Path]] = {}
    for path in paths:
        by_dir.setdefault(Path(path).resolve().parent, []).append(Path(path))
    result = FileCommits({})
    try:
        for directory, in_dir in by_dir.items():
            _file_commits(directory, in_dir, result)
    except GitError as exc:
        return FileCommits({}, repository=False, problem=str(exc))
    return result


def _file_commits(directory: Path, paths: list[Path], result: FileCommits) -> None:
    top = Path(git(directory, "rev-parse", "--show-toplevel").decode("utf-8", "surrogateescape").strip())
    top = top.resolve()
    rel_dir = directory.relative_to(top).as_posix() if directory != top else "."
    rel = {p.name if rel_dir == "." else f"{rel_dir}/{p.name}": p for p in paths if "\n" not in p.name}
    seen: dict[str, list[Commit]] = {}
    if _has_head(top):
        shallow = _shallow_commits(top)
        with closing(_log_records(top, rel_dir)) as records:
            for commit, changed in records:
                for name in changed:
                    if name in rel:
                        seen.setdefault(name, []).append(
                            Commit(commit.sha, commit.date, f"{commit.sha}:{name}")
                        )
                        if commit.sha in shallow:  # the file may have older versions, not fetched
                            result.shallow.append(rel[name])
    for name, path in rel.items():
        result.tops[path] = top
        if name in seen:
            result.files[path] = tuple(reversed(seen[name]))
