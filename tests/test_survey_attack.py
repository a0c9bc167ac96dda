"""Two managers, each knowing their own rating, attack the sponsor's progress page (issue 23).

The attacker's method: read every figure the rendered page shows (each chart's rows and the
table: n, mean, share improved), then try every set of ratings the other raters could have
given; a rating is learnt when all the sets that would print this very page agree on it.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from coachportal.core.models import Engagement, Level
from coachportal.core.redact import redact
from coachportal.core.surveys import MIN_GROUP, OTHERS, SINGLE_RATER_GROUPS, TOTAL_LABEL, aggregate_groups
from coachportal.derive.formatting import fmt_signed
from coachportal.derive.survey_view import group_label
from coachportal.render.engagement import render_engagement
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

ACTIVE = Path(__file__).resolve().parent / "fixtures" / "reference" / "engagement.yml"
AFTER_ROUND_1 = dt.date(2026, 6, 20)  # round 1 of the example closed on 12 Jun
SCALE = range(-3, 4)
ROW = re.compile(r"(?P<label>[^;:]+?) \(n=(?P<n>\d+)\) (?P<mean>[+\u2212-]?\d+\.\d)")


def page_rows(goal_groups: Mapping[str, Mapping[str, list[int]]]) -> dict[str, set[tuple[str, int, str]]]:
    """Per goal, the (label, n, mean) rows the sponsor's progress page shows in its charts."""
    data = YAML(typ="safe").load(ACTIVE.read_text(encoding="utf-8"))
    data["stages"]["achievement"]["surveys"][0]["results"] = [
        {"goal": goal, "groups": groups} for goal, groups in goal_groups.items()
    ]
    data["stages"]["achievement"]["surveys"] = data["stages"]["achievement"]["surveys"][:1]
    e = redact(Engagement.model_validate(data), Level.SPONSOR)
    page = next(p.html for p in render_engagement(e, "sponsor", AFTER_ROUND_1) if p.slug == "progress")
    labels = re.findall(r'aria-label="Mean rating per rater group[^:]*: ([^"]*)"', page)
    assert len(labels) <= len(goal_groups)
    charts = [
        {(m["label"].strip(), int(m["n"]), m["mean"]) for m in ROW.finditer(html.unescape(text))}
        for text in labels
    ]
    shown = [goal for goal in goal_groups if aggregate_groups(goal_groups[goal]).total is not None]
    return dict(zip(shown, charts, strict=True))


def rows_of(groups: Mapping[str, Sequence[int]]) -> set[tuple[str, int, str]]:
    """The rows the page would print for these ratings (the page's rule is public)."""
    a = aggregate_groups(groups)
    figures = [*a.groups, a.total] if a.total else []
    return {(group_label(f.label), f.n, fmt_signed(f.mean)) for f in figures}


def learnt(shown: set[tuple[str, int, str]], groups: Mapping[str, list[int]], own: int) -> set[int]:
    """What the manager whose rating is ``groups['manager'][own]`` can tell of the other managers':
    the values the second manager's rating takes over every set of ratings printing ``shown``."""
    managers = groups["manager"]
    others = {g: r for g, r in groups.items() if g != "manager"}
    found: set[int] = set()
    for theirs in itertools.product(SCALE, repeat=len(managers) - 1):
        guess_managers = [managers[own], *theirs]
        # order within a group never shows: a multiset of ratings per group is enough
        for combo in itertools.product(
            *(itertools.combinations_with_replacement(SCALE, len(r)) for r in others.values())
        ):
            guess = {"manager": guess_managers, **dict(zip(others, map(list, combo), strict=True))}
            if rows_of(guess) == shown:
                found.add(theirs[0])
                break
    return found


GOALS = {
    "G1": {"manager": [2, -1], "direct-reports": [1, 2, 2, 1], "peers": [1, 0, 1]},
    "G2": {"manager": [3, 0], "peers": [2, 1, 1]},
}


def test_the_page_never_shows_a_manager_group_of_two() -> None:
    rows = page_rows(GOALS)
    assert rows, "the page shows figures"
    for goal, shown in rows.items():
        assert all(label != "Manager" for label, _n, _mean in shown), goal
        assert all(n >= MIN_GROUP for _label, n, _mean in shown), goal


@pytest.mark.parametrize("goal", sorted(GOALS))
@pytest.mark.parametrize("attacker", [0, 1])
def test_two_managers_cannot_work_out_each_others_rating(goal: str, attacker: int) -> None:
    groups = GOALS[goal]
    shown = page_rows(GOALS)[goal]
    ordered = {"manager": [groups["manager"][attacker], groups["manager"][1 - attacker]]}
    ordered.update({g: r for g, r in groups.items() if g != "manager"})
    assert len(learnt(shown, ordered, own=0)) > 1  # more than one rating fits the page


def test_one_manager_sees_only_their_own_rating() -> None:
    rows = page_rows({"G1": {"manager": [2], "peers": [1, 0, 1]}})
    assert ("Manager", 1, "+2.0") in rows["G1"]


@settings(max_examples=60, deadline=None)
@given(
    managers=st.lists(st.sampled_from(SCALE), min_size=2, max_size=2),
    peers=st.lists(st.sampled_from(SCALE), min_size=0, max_size=4),
    reports=st.lists(st.sampled_from(SCALE), min_size=0, max_size=4),
)
def test_no_figure_tells_a_manager_another_managers_rating(
    managers: list[int], peers: list[int], reports: list[int]
) -> None:
    groups = {"manager": managers, "peers": peers, "direct-reports": reports}
    # Everyone but the attacker at one end of the scale: any mean then says so, whatever the
    # groups (managers [-3, 3] and reports [3, 3, 3]: the total's mean 1.8 leaves the other
    # four a sum of 12, so all gave +3). Unanimity is not what anonymity thresholds hide.
    rest = [*managers[1:], *peers, *reports]
    assume(not (len(set(rest)) == 1 and abs(rest[0]) == 3))
    # The same holds for any figure the other manager is counted in ("others", the total): a
    # mean of -3.0 or +3.0 over fewer than 20 ratings says every one of them gave that end.
    assume(not any(abs(mean) == 3 for label, _n, mean in _with_the_managers(groups)))
    shown = rows_of(groups)
    if not shown:
        return
    assert len(learnt(shown, groups, own=0)) > 1


def _with_the_managers(groups: Mapping[str, Sequence[int]]) -> list[tuple[str, int, float]]:
    """The figures that count both managers' ratings: the total, and "others" when they are folded."""
    a = aggregate_groups(groups)
    figures = [f for f in (a.total, *a.groups) if f is not None and f.label in (TOTAL_LABEL, OTHERS)]
    return [(f.label, f.n, f.mean) for f in figures]


def test_a_unanimous_figure_tells_what_it_says_and_one_rating_less_hides_it() -> None:
    """Found by the property test above: peers [-3, -3, -2] and reports all -3 leave "others"
    (both managers and the reports, once the reports are folded in) at -3.0, which says each
    of them gave -3. One other rating and it says nothing of the other manager."""
    unanimous = {"manager": [-3, -3], "peers": [-3, -3, -2], "direct-reports": [-3, -3, -3]}
    assert ("others", 5, -3.0) in _with_the_managers(unanimous)
    assert learnt(rows_of(unanimous), unanimous, own=0) == {-3}
    one_less = {**unanimous, "direct-reports": [-3, -3, -2]}
    assert len(learnt(rows_of(one_less), one_less, own=0)) > 1


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["manager", "direct-reports", "peers", "hr", OTHERS]),
        st.lists(st.integers(min_value=-3, max_value=3), max_size=5),
        max_size=5,
    )
)
def test_every_row_is_a_group_of_min_group_or_exactly_one_manager(groups: dict[str, list[int]]) -> None:
    a = aggregate_groups(groups)
    for row in a.groups:
        assert row.n >= MIN_GROUP or (row.n == 1 and row.label in SINGLE_RATER_GROUPS), row
    folded = sum(r.n for r in a.groups if r.label == OTHERS)
    if folded:
        # "others" = total - the shown rows: it hides MIN_GROUP ratings no manager knows
        shown = {r.label for r in a.groups} - {OTHERS}
        unknown = sum(len(v) for g, v in groups.items() if g not in shown and g not in SINGLE_RATER_GROUPS)
        assert unknown >= MIN_GROUP
