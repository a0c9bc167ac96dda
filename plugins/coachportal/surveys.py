"""Stakeholder mini-survey figures with the anonymity rules of DESIGN.md.

Ratings use the mini-survey scale -3..+3 (0 = no change). A rater group's own
figures are shown only with at least ``MIN_GROUP`` ratings (the manager: 1);
smaller groups are folded into "others"; a total below ``MIN_TOTAL`` shows no
figures at all. The aggregate never holds an individual rating.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict

MIN_GROUP = 3
MIN_TOTAL = 3
SINGLE_RATER_GROUPS = frozenset({"manager"})  # the one rater everybody knows anyway
OTHERS = "others"


class Figures(BaseModel):
    model_config = ConfigDict(frozen=True)

    label: str
    n: int
    mean: float
    improved_share: float  # share of raters reporting improvement (> 0)


class SurveyAggregate(BaseModel):
    """What a sponsor may see of one goal's ratings in one round."""

    model_config = ConfigDict(frozen=True)

    n: int
    total: Figures | None = None  # None: "not enough responses yet"
    groups: tuple[Figures, ...] = ()

    @property
    def enough(self) -> bool:
        return self.total is not None


def _figures(label: str, ratings: Sequence[int]) -> Figures:
    n = len(ratings)
    return Figures(
        label=label,
        n=n,
        mean=round(sum(ratings) / n, 2),
        improved_share=round(sum(1 for r in ratings if r > 0) / n, 2),
    )


def aggregate_groups(groups: Mapping[str, Sequence[int]]) -> SurveyAggregate:
    """Fold small groups into "others" and suppress a total below the threshold."""
    everything = [r for ratings in groups.values() for r in ratings]
    if len(everything) < MIN_TOTAL:
        return SurveyAggregate(n=len(everything))
    shown: list[Figures] = []
    folded: list[int] = []
    for name, ratings in groups.items():
        minimum = 1 if name in SINGLE_RATER_GROUPS else MIN_GROUP
        if len(ratings) >= minimum:
            shown.append(_figures(name, ratings))
        else:
            folded.extend(ratings)
    if folded:
        if len(folded) >= MIN_GROUP:
            shown.append(_figures(OTHERS, folded))
        # Fewer than MIN_GROUP folded ratings still count in the total but get no row
        # of their own: a row of one or two would expose individuals.
    return SurveyAggregate(n=len(everything), total=_figures("all raters", everything), groups=tuple(shown))


def change(previous: SurveyAggregate | None, current: SurveyAggregate) -> float | None:
    """Change of the mean between two rounds, when both rounds have figures."""
    if previous is None or previous.total is None or current.total is None:
        return None
    return round(current.total.mean - previous.total.mean, 2)
