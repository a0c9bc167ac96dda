"""A closed survey round is frozen once committed: the rule, for the build, ``validate`` and the edits.

A round's figures are published once it has closed. Were a late rating added (or one
changed or removed) afterwards, anyone who kept the old page could subtract the two
builds' figures and learn that one rater's rating. So, in a git checkout, every survey
round that is closed in the file being checked is compared with its **first committed
closed version** — the oldest first-parent commit of the file in which that round
(by its number) has ``closed:`` — and any rating or comment added, changed or removed
since is refused, placed at its line in the file. The working tree counts: uncommitted
changes are compared like committed ones. A round not yet committed closed stays
editable.

The way out, stated in every refusal (:data:`WHAT_TO_DO`): a late response goes into a
new round; a correction that must be published gets ``corrected: DATE`` on the round
(after its ``closed`` date, not after today). The round is then compared with its
newest version committed on or before DATE (never older than the first closed one);
uncommitted changes count as made today. Readers see "Corrected on DATE".

Not a checkout, git missing, or the file never committed: nothing to compare with;
:meth:`Frozen.warnings` says so once and the build goes on. A shallow clone may miss the
first closed version: said too. Removing a whole round shows nothing new and is not
refused.

Cost: one ``git log`` per directory and one ``git cat-file --batch`` for the versions not
read before, only for files with a closed round; :class:`FrozenRounds` keeps each
version's rounds for the next build of the process (`mkdocs serve`), and its parses go
through the loader's cache.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import Problem
from ..core.models import Engagement
from .cache import ParseCache
from .history import Commit, FileCommits, file_commits
from .positions import Loc, Positions, field_path
from .yamltext import read_text

WHAT_TO_DO = (
    "a late response goes into a new round; a correction that must be published needs"
    " 'corrected: YYYY-MM-DD' on the round (after its closed date, not after today), and"
    " the round is then compared with its newest version committed on or before that date"
    " (uncommitted changes count as made today)"
)

_Rounds = dict[int, tuple[int, Mapping[str, Any]]]  # round number -> (index in surveys, the round)
_SURVEYS: Loc = ("stages", "achievement", "surveys")


@dataclass
class Frozen:
    """What the check found: problems (refusals), and what it could not check."""

    problems: list[Problem] = field(default_factory=list)
    unchecked: list[Path] = field(default_factory=list)  # closed rounds, nothing to compare with
    shallow: list[Path] = field(default_factory=list)
    problem: str | None = None  # why git gave nothing

    def warnings(self) -> list[str]:
        """At most one line for what could not be checked, one for a shallow clone."""
        out = []
        if self.unchecked:
            names = ", ".join(sorted({p.name for p in self.unchecked}))
            why = self.problem or "not committed to git yet"
            out.append(
                f"cannot check that closed survey rounds are unchanged since they were published"
                f" ({why}): {names}"
            )
        if self.shallow:
            names = ", ".join(sorted({p.name for p in self.shallow}))
            out.append(
                "shallow git clone: closed survey rounds are compared only with the versions"
                f" fetched (check out with fetch-depth: 0): {names}"
            )
        return out


class FrozenRounds:
    """The frozen-round check, keeping each committed version's rounds for a later build."""

    def __init__(self, parses: ParseCache | None = None) -> None:
        self.parses = parses or ParseCache(keep=False)
        self._versions: dict[str, _Rounds] = {}  # by "<commit>:<path>"

    def check(
        self,
        sources: Sequence[tuple[Path, Engagement]],
        today: dt.date,
        text_of: Callable[[Path], str] = read_text,
    ) -> Frozen:
        """Every refused change to a closed round of ``sources`` (path, validated engagement);
        ``text_of``: the text checked (the file's own, or an edit about to be written)."""
        closed = [path for path, e in sources if any(s.closed for s in e.stages.achievement.surveys)]
        if not closed:
            return Frozen()
        history = file_commits(closed)
        if not history.repository:
            return Frozen(unchecked=closed, problem=history.problem)
        self._read(history)
        found = Frozen(shallow=history.shallow)
        for path in closed:
            commits = history.files.get(path)
            if not commits:
                found.unchecked.append(path)
                continue
            located = self.parses.parse(text_of(path))
            versions = [(c, self._versions[c.spec]) for c in commits]
            found.problems += _file_problems(path, located.data, located.positions, versions, today)
        return found

    def _read(self, history: FileCommits) -> None:
        """The rounds of every committed version not read yet (one cat-file for them all)."""
        wanted = [
            (p, c) for p, commits in history.files.items() for c in commits if c.spec not in self._versions
        ]
        known = {c.spec for commits in history.files.values() for c in commits}
        self._versions = {k: v for k, v in self._versions.items() if k in known}
        for (_, commit), text in zip(wanted, history.texts(wanted), strict=True):
            # a version without the word cannot hold a closed round: no parse needed
            data = self.parses.parse(text).data if text is not None and "closed" in text else None
            self._versions[commit.spec] = _rounds(data)


def refusal(
    sources: Sequence[tuple[Path, Engagement]], today: dt.date, text_of: Callable[[Path], str]
) -> Frozen:
    """The check once, keeping nothing (``validate``, an edit)."""
    return FrozenRounds().check(sources, today, text_of)


# --- one file ------------------------------------------------------------------------------


def _rounds(data: Any) -> _Rounds:
    """The survey rounds of a version's plain data (whatever it holds), by number."""
    surveys = data
    for key in _SURVEYS:
        surveys = surveys.get(key) if isinstance(surveys, Mapping) else None
    out: _Rounds = {}
    for i, survey in enumerate(surveys if isinstance(surveys, list) else []):
        number = survey.get("round") if isinstance(survey, Mapping) else None
        if isinstance(number, int) and not isinstance(number, bool) and number not in out:
            out[number] = (i, survey)
    return out


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value).strip()) if value is not None else None
    except ValueError:
        return None


def _file_problems(
    path: Path,
    data: Any,
    positions: Positions,
    versions: list[tuple[Commit, _Rounds]],
    today: dt.date,
) -> list[Problem]:
    out: list[Problem] = []
    for number, (index, survey) in _rounds(data).items():
        if survey.get("closed") is None:
            continue
        first = next((i for i, (_, rounds) in enumerate(versions) if _is_closed(rounds.get(number))), None)
        if first is None:
            continue  # never committed closed: not published, still editable
        base_commit, base_rounds = versions[first]
        where: Loc = (*_SURVEYS, index)
        corrected = _date(survey.get("corrected"))
        since = f"since it was first committed closed on {base_commit.date} ({base_commit.sha[:7]})"
        if corrected is not None:
            if corrected > today:
                out.append(
                    _problem(
                        path,
                        positions,
                        (*where, "corrected"),
                        f"corrected {corrected} is after today ({today})"
                        " (expected the date the correction is published)",
                    )
                )
                continue
            if corrected == today:
                continue  # every change up to today, uncommitted ones included
            dated = [v for v in versions[first:] if v[0].date <= corrected]
            if dated:
                base_commit, base_rounds = dated[-1]
                since = (
                    f"since its version committed on {base_commit.date} ({base_commit.sha[:7]}),"
                    f" the newest on or before corrected {corrected}"
                )
        base = base_rounds[number][1]
        for loc, what in _differences(base, survey, where):
            message = (
                f"survey round {number} is closed and was published: {what} {since} would let anyone"
                f" who kept the old page work out a single rater's answer; {WHAT_TO_DO}"
            )
            out.append(_problem(path, positions, loc, message))
    return out


def _is_closed(found: tuple[int, Mapping[str, Any]] | None) -> bool:
    return found is not None and found[1].get("closed") is not None


def _problem(path: Path, positions: Positions, loc: Loc, message: str) -> Problem:
    return Problem(path, *positions.value(loc), field_path(loc), message)


# --- what differs between two versions of one round ---------------------------------------------


def _results(survey: Mapping[str, Any]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    results = survey.get("results")
    for j, result in enumerate(results if isinstance(results, list) else []):
        if isinstance(result, Mapping):
            yield j, result


def _frozen(value: Any) -> Any:
    """A comparable, hashable form of a plain YAML value."""
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


def _ratings(survey: Mapping[str, Any]) -> dict[tuple[str, str], Counter[Any]]:
    out: dict[tuple[str, str], Counter[Any]] = {}
    for _, result in _results(survey):
        groups = result.get("groups")
        for group, values in groups.items() if isinstance(groups, Mapping) else ():
            counted = out.setdefault((str(result.get("goal")), str(group)), Counter())
            counted.update(_frozen(v) for v in (values if isinstance(values, list) else [values]))
    return out


def _comments(survey: Mapping[str, Any]) -> Counter[tuple[str, Any]]:
    out: Counter[tuple[str, Any]] = Counter()
    for _, result in _results(survey):
        comments = result.get("comments")
        out.update(
            (str(result.get("goal")), _frozen(c)) for c in (comments if isinstance(comments, list) else [])
        )
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _differences(old: Mapping[str, Any], new: Mapping[str, Any], where: Loc) -> Iterator[tuple[Loc, str]]:
    """Each rating or comment change of the round, with the place in ``new`` to name."""
    place: dict[tuple[str, str], Loc] = {}  # (goal, group) -> its ratings in the new version
    goal_at: dict[str, Loc] = {}  # goal -> its result in the new version
    for j, result in _results(new):
        goal = str(result.get("goal"))
        goal_at.setdefault(goal, (*where, "results", j))
        groups = result.get("groups")
        for group in groups if isinstance(groups, Mapping) else ():
            place.setdefault((goal, str(group)), (*where, "results", j, "groups", group))
    before, after = _ratings(old), _ratings(new)
    for key in sorted(before.keys() | after.keys()):
        goal, group = key
        added = after.get(key, Counter()) - before.get(key, Counter())
        removed = before.get(key, Counter()) - after.get(key, Counter())
        if not added and not removed:
            continue
        if added and removed:
            what = f"ratings of {group} on {goal} changed"
        elif added:
            what = f"{_plural(sum(added.values()), 'rating')} of {group} on {goal} added"
        else:
            what = f"{_plural(sum(removed.values()), 'rating')} of {group} on {goal} removed"
        yield place.get(key) or goal_at.get(goal) or where, what
    old_comments = _comments(old)
    for j, result in _results(new):
        goal = str(result.get("goal"))
        comments = result.get("comments")
        for k, comment in enumerate(comments if isinstance(comments, list) else []):
            if old_comments[(goal, _frozen(comment))] > 0:
                old_comments[(goal, _frozen(comment))] -= 1
            else:
                yield (*where, "results", j, "comments", k), f"a comment on {goal} added or changed"
    removed: Counter[str] = Counter()
    for (goal, _), count in old_comments.items():
        removed[goal] += max(count, 0)
    for goal, count in sorted(removed.items()):
        if count:
            yield goal_at.get(goal, where), f"{_plural(count, 'comment')} on {goal} removed"
