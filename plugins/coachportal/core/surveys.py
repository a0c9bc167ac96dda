"""Stakeholder mini-survey figures with the anonymity rules of DESIGN.md.

Ratings use the mini-survey scale -3..+3 (0 = no change). For one goal in one
round the portal shows n, the mean and the share of raters reporting improvement
(> 0), and the change of the mean since the previous round with figures.

Anonymity:

* a rater group's own figures are shown only with at least ``MIN_GROUP`` ratings, or
  with exactly one manager's (``SINGLE_RATER_GROUPS``: who knows their own rating);
* every other small group is folded into "others", two managers included: each of
  them knows their own rating, so "Manager (n=2)" would tell each the other's;
* a total below ``MIN_TOTAL`` shows no figures at all ("not enough responses yet");
* no subtraction may reveal fewer than ``MIN_GROUP`` ratings. The manager's rating
  is known to the manager (the usual sponsor) and shown under the exception, so
  (a) the ratings outside single-rater groups must number at least ``MIN_GROUP``
  for any figure to appear (manager [1] + two peers shows nothing: the manager
  would otherwise learn the peers' sum), and (b) the total minus the shown rows is
  exactly the "others" row, which is either empty or holds at least ``MIN_GROUP``
  ratings besides the managers' (folded managers know their own, and may compare
  notes): when fewer would be left over, the smallest shown group is folded in too.

The aggregate never holds an individual rating. It is computed when a file is
loaded, so it survives redaction of the ratings themselves (coach-level).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

MIN_GROUP = 3
MIN_TOTAL = 3
SINGLE_RATER_GROUPS = frozenset({"manager"})  # the one rater everybody knows anyway
OTHERS = "others"
TOTAL_LABEL = "all raters"
NOT_ENOUGH = "not enough responses yet"


class Figures(BaseModel):
    model_config = ConfigDict(frozen=True)

    label: str
    n: int
    mean: float  # on the -3..+3 scale, rounded to 1 decimal: the precision a page prints
    improved_share: float  # share of raters reporting improvement (> 0), 0..1, 2 decimals (a whole %)


class SurveyAggregate(BaseModel):
    """What a sponsor may see of one goal's ratings in one round."""

    model_config = ConfigDict(frozen=True)

    n: int
    total: Figures | None = None  # None: "not enough responses yet"
    groups: tuple[Figures, ...] = ()  # groups with own figures, then "others"

    @property
    def enough(self) -> bool:
        return self.total is not None


def _figures(label: str, ratings: Sequence[int]) -> Figures:
    n = len(ratings)
    return Figures(
        label=label,
        n=n,
        # Rounded here, not in the template: nothing downstream (chart geometry, the
        # change between rounds) may carry more precision than the page shows.
        mean=round(sum(ratings) / n, 1),
        improved_share=round(sum(1 for r in ratings if r > 0) / n, 2),
    )


def _shown_alone(name: str, n: int) -> bool:
    """A group of MIN_GROUP or more, or exactly one manager: never a group of two."""
    return n >= MIN_GROUP or (n == 1 and name in SINGLE_RATER_GROUPS)


def _unknown(groups: Mapping[str, Sequence[int]], names: Iterable[str]) -> int:
    """How many of these groups' ratings no reader knows (a manager knows their own)."""
    return sum(len(groups[name]) for name in names if name not in SINGLE_RATER_GROUPS)


def _split(groups: Mapping[str, Sequence[int]]) -> tuple[dict[str, list[int]], list[str]]:
    """The groups shown on their own, and the names of those folded into "others"."""
    own = {
        name: list(ratings)
        for name, ratings in groups.items()
        if name != OTHERS and ratings and _shown_alone(name, len(ratings))
    }
    pool = [name for name in groups if name not in own]
    # total - shown rows = the folded pool: it must hide MIN_GROUP ratings no reader knows.
    # Folding a manager would not help (their rating is known), so fold the smallest group.
    # This ends: at least MIN_GROUP anonymous ratings exist, so while the pool is
    # short some of them still sit in a shown group.
    while any(groups[name] for name in pool) and _unknown(groups, pool) < MIN_GROUP:
        victim = min(
            (name for name in own if name not in SINGLE_RATER_GROUPS), key=lambda name: (len(own[name]), name)
        )
        del own[victim]
        pool.append(victim)
    return own, pool


def aggregate_groups(groups: Mapping[str, Sequence[int]]) -> SurveyAggregate:
    """Figures for one goal and round, with small groups folded and small totals suppressed."""
    everything = [r for ratings in groups.values() for r in ratings]
    anonymous = [r for name, ratings in groups.items() if name not in SINGLE_RATER_GROUPS for r in ratings]
    if len(everything) < MIN_TOTAL or len(anonymous) < MIN_GROUP:
        return SurveyAggregate(n=len(everything))
    own, pool = _split(groups)
    folded = [r for name in pool for r in groups[name]]
    shown = [_figures(name, ratings) for name, ratings in own.items()]
    if folded and shown:
        shown.append(_figures(OTHERS, folded))
    # (folded and not shown: "others" would only repeat the total.)
    return SurveyAggregate(n=len(everything), total=_figures(TOTAL_LABEL, everything), groups=tuple(shown))


def shown_group_labels(aggregate: SurveyAggregate | None) -> frozenset[str]:
    """Labels of the groups that have figures of their own (a comment may name these)."""
    if aggregate is None:
        return frozenset()
    return frozenset(f.label for f in aggregate.groups if f.label != OTHERS)


def change(previous: SurveyAggregate | None, current: SurveyAggregate) -> float | None:
    """Change of the mean between two rounds, when both rounds have figures."""
    if previous is None or previous.total is None or current.total is None:
        return None
    return round(current.total.mean - previous.total.mean, 1)


class RoundFigures(BaseModel):
    """One goal in one survey round, with the change since the previous round with figures."""

    model_config = ConfigDict(frozen=True)

    goal: str
    round: int
    aggregate: SurveyAggregate
    previous_round: int | None = None  # the round `change` is measured against
    change: float | None = None  # mean now - mean then; None without two rounds of figures
    improved_share_change: float | None = None

    @property
    def enough(self) -> bool:
        return self.aggregate.enough


def rounds_by_goal(surveys: Iterable[Any]) -> dict[str, list[RoundFigures]]:
    """Per goal, every round in order with its change versus the previous round with figures.

    ``surveys`` are ``models.Survey`` objects (redacted or not: only the aggregates
    are read). Goals appear in order of first appearance; rounds in round order.
    """
    by_goal: dict[str, list[tuple[int, SurveyAggregate]]] = {}
    for survey in sorted(surveys, key=lambda s: s.round):
        for result in survey.results:
            aggregate = result.aggregate if result.aggregate is not None else aggregate_groups(result.groups)
            by_goal.setdefault(result.goal, []).append((survey.round, aggregate))
    out: dict[str, list[RoundFigures]] = {}
    for goal, rounds in by_goal.items():
        rows: list[RoundFigures] = []
        last: tuple[int, SurveyAggregate] | None = None
        for number, aggregate in rounds:
            row = RoundFigures(goal=goal, round=number, aggregate=aggregate)
            if last is not None and aggregate.total is not None:
                before = last[1].total
                assert before is not None
                row = row.model_copy(
                    update={
                        "previous_round": last[0],
                        "change": change(last[1], aggregate),
                        "improved_share_change": round(
                            aggregate.total.improved_share - before.improved_share, 2
                        ),
                    }
                )
            if aggregate.total is not None:
                last = (number, aggregate)
            rows.append(row)
        out[goal] = rows
    return out
