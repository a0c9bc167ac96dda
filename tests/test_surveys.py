"""Stakeholder mini-survey figures and their anonymity rules (DESIGN.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from coachportal.core.models import Engagement, Survey
from coachportal.core.surveys import (
    MIN_GROUP,
    OTHERS,
    TOTAL_LABEL,
    SurveyAggregate,
    aggregate_groups,
    change,
    rounds_by_goal,
    shown_group_labels,
)
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

EXAMPLES = Path(__file__).resolve().parent / "fixtures" / "reference"


def rows(aggregate: SurveyAggregate) -> dict[str, tuple[int, float, float]]:
    return {f.label: (f.n, f.mean, f.improved_share) for f in aggregate.groups}


# --- figures ------------------------------------------------------------------------------


def test_n_mean_and_share_improved() -> None:
    a = aggregate_groups({"direct-reports": [1, 2, -1, 0]})
    assert a.enough and a.n == 4
    assert a.total is not None
    assert (a.total.label, a.total.n, a.total.mean, a.total.improved_share) == (TOTAL_LABEL, 4, 0.5, 0.5)
    assert rows(a) == {"direct-reports": (4, 0.5, 0.5)}


def test_zero_is_no_change_and_not_improvement() -> None:
    a = aggregate_groups({"peers": [0, 0, 0]})
    assert a.total is not None and a.total.mean == 0 and a.total.improved_share == 0


def test_negative_scale_end_and_rounding() -> None:
    a = aggregate_groups({"peers": [-3, -3, 3]})
    assert a.total is not None and a.total.mean == -1.0 and a.total.improved_share == 0.33
    b = aggregate_groups({"peers": [1, 1, 0]})
    assert b.total is not None and b.total.mean == 0.7 and b.total.improved_share == 0.67


# --- threshold and folding -----------------------------------------------------------------


def test_group_with_three_ratings_has_own_figures() -> None:
    a = aggregate_groups({"direct-reports": [1, 1, 1], "peers": [2, 2, 2]})
    assert rows(a) == {"direct-reports": (3, 1.0, 1.0), "peers": (3, 2.0, 1.0)}


def test_small_groups_are_folded_into_others() -> None:
    a = aggregate_groups({"direct-reports": [1, 1, 1, 1], "peers": [2, 0], "hr": [-1]})
    assert rows(a) == {"direct-reports": (4, 1.0, 1.0), OTHERS: (3, 0.3, 0.33)}
    assert a.total is not None and a.total.n == 7


def test_total_is_shown_without_rows_when_every_group_is_small() -> None:
    a = aggregate_groups({"direct-reports": [1, 2], "peers": [2]})
    assert a.enough and a.total is not None and a.total.n == 3 and a.total.mean == 1.7
    assert a.groups == ()  # an "others" row would only repeat the total


def test_a_lone_small_group_is_not_recoverable_by_subtraction() -> None:
    # peers (1) alone in "others" would be total - direct-reports - mentors:
    # the smallest shown group is folded in with it.
    a = aggregate_groups({"direct-reports": [1, 1, 1, 1], "mentors": [2, 2, 2], "peers": [-3]})
    assert rows(a) == {"direct-reports": (4, 1.0, 1.0), OTHERS: (4, 0.8, 0.75)}


def test_a_group_called_others_in_the_file_joins_the_others_row() -> None:
    a = aggregate_groups({"direct-reports": [1, 1, 1], OTHERS: [2, 2, 2], "peers": [0]})
    assert rows(a) == {"direct-reports": (3, 1.0, 1.0), OTHERS: (4, 1.5, 0.75)}


def test_empty_groups_are_ignored() -> None:
    a = aggregate_groups({"manager": [], "peers": [], "direct-reports": [1, 2, 3]})
    assert rows(a) == {"direct-reports": (3, 2.0, 1.0)}


# --- the manager exception -------------------------------------------------------------------


def test_manager_has_own_figures_with_one_rating() -> None:
    a = aggregate_groups({"manager": [2], "direct-reports": [1, 1, 1]})
    assert rows(a) == {"manager": (1, 2.0, 1.0), "direct-reports": (3, 1.0, 1.0)}
    assert a.total is not None and a.total.n == 4


def test_only_the_manager_has_the_exception() -> None:
    a = aggregate_groups({"hr": [2], "mentor": [1], "direct-reports": [1, 1, 1, 1]})
    assert "hr" not in rows(a) and "mentor" not in rows(a)


def test_manager_plus_two_raters_shows_nothing() -> None:
    # The total (3) would be shown by the count alone, but the manager knows their own
    # rating and could subtract it: the two other raters' sum would be exposed.
    a = aggregate_groups({"manager": [1], "peers": [3, 3]})
    assert not a.enough and a.total is None and a.groups == () and a.n == 3


def test_manager_with_folded_others() -> None:
    a = aggregate_groups({"manager": [1], "peers": [1, 2], "hr": [0]})
    assert rows(a) == {"manager": (1, 1.0, 1.0), OTHERS: (3, 1.0, 0.67)}


def test_manager_is_never_folded_to_make_others_big_enough() -> None:
    # folding the manager would not hide the peers: the manager knows their rating
    a = aggregate_groups({"manager": [1], "direct-reports": [1, 1, 1, 1], "peers": [2, 2]})
    assert rows(a) == {"manager": (1, 1.0, 1.0), OTHERS: (6, 1.3, 1.0)}


# --- suppression ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "groups",
    [{}, {"manager": [2]}, {"peers": [1]}, {"direct-reports": [1, 2]}, {"manager": [1], "peers": [3]}],
)
def test_total_below_three_shows_no_figures(groups: dict[str, list[int]]) -> None:
    a = aggregate_groups(groups)
    assert not a.enough
    assert a.total is None and a.groups == ()
    assert a.n == sum(len(r) for r in groups.values())
    assert shown_group_labels(a) == frozenset()


@given(
    st.dictionaries(
        st.sampled_from(["manager", "direct-reports", "peers", "hr", "mentor", "other", OTHERS]),
        st.lists(st.integers(min_value=-3, max_value=3), max_size=6),
        max_size=7,
    )
)
def test_no_row_and_no_difference_exposes_fewer_than_three_raters(groups: dict[str, list[int]]) -> None:
    a = aggregate_groups(groups)
    everything = [r for ratings in groups.values() for r in ratings]
    anonymous = [r for name, ratings in groups.items() if name != "manager" for r in ratings]
    assert a.n == len(everything)
    if len(everything) < 3 or len(anonymous) < MIN_GROUP:
        assert a.total is None and a.groups == ()
        return
    assert a.total is not None and a.total.n == len(everything)
    for row in a.groups:
        assert row.n >= (1 if row.label == "manager" else MIN_GROUP)
        if row.label not in ("manager", OTHERS):
            assert sorted(groups[row.label]) and row.n == len(groups[row.label])
    if a.groups:
        # the rows add up to the total: nothing is left over to be found by subtraction
        assert sum(row.n for row in a.groups) == a.total.n
        # (means are rounded to the one decimal a page prints: each is off by at most 0.05)
        assert (
            abs(sum(row.mean * row.n for row in a.groups) - a.total.mean * a.total.n)
            <= 0.1 * a.total.n + 1e-9
        )
    # the aggregate holds figures, never a list of ratings
    assert set(SurveyAggregate.model_fields) == {"n", "total", "groups"}


def test_shown_group_labels_excludes_others() -> None:
    a = aggregate_groups({"manager": [1], "direct-reports": [1, 1, 1], "peers": [1, 1, 1], "hr": [2, 2, 2]})
    assert shown_group_labels(a) == {"manager", "direct-reports", "peers", "hr"}
    b = aggregate_groups({"direct-reports": [1, 1, 1, 1], "peers": [1, 1], "hr": [2]})
    assert shown_group_labels(b) == {"direct-reports"}
    assert shown_group_labels(None) == frozenset()


# --- change between rounds ------------------------------------------------------------------


def survey(number: int, results: dict[str, dict[str, list[int]]], **extra: object) -> Survey:
    return Survey.model_validate(
        {
            "round": number,
            "sent": dt.date(2026, number, 1),
            "results": [{"goal": goal, "groups": groups} for goal, groups in results.items()],
            **extra,
        }
    )


def test_change_needs_figures_on_both_sides() -> None:
    enough = aggregate_groups({"peers": [1, 1, 1]})
    better = aggregate_groups({"peers": [2, 2, 3]})
    assert change(enough, better) == 1.3  # 2.3 - 1.0: from the printed means
    assert change(None, better) is None
    assert change(aggregate_groups({"peers": [1]}), better) is None
    assert change(enough, aggregate_groups({"peers": [1]})) is None


def test_rounds_by_goal_change_against_previous_round() -> None:
    surveys = [
        survey(2, {"G1": {"peers": [2, 2, 2]}, "G2": {"peers": [0, 0, 0]}}),
        survey(1, {"G1": {"peers": [1, 1, 0]}}),
        survey(3, {"G1": {"peers": [1]}, "G2": {"peers": [1, 1, 1]}}),
        survey(4, {"G1": {"peers": [3, 3, 2]}}),
    ]
    by_goal = rounds_by_goal(surveys)
    assert list(by_goal) == ["G1", "G2"]
    g1 = by_goal["G1"]
    assert [r.round for r in g1] == [1, 2, 3, 4]
    assert [(r.previous_round, r.change, r.improved_share_change) for r in g1] == [
        (None, None, None),  # first round: nothing to compare with
        (1, 1.3, 0.33),
        (None, None, None),  # round 3: not enough responses yet
        (2, 0.7, 0.0),  # against round 2, the previous round with figures
    ]
    assert not g1[2].enough and g1[2].aggregate.n == 1
    g2 = by_goal["G2"]
    assert [(r.round, r.previous_round, r.change) for r in g2] == [(2, None, None), (3, 2, 1.0)]


def test_rounds_by_goal_works_on_a_redacted_engagement() -> None:
    from coachportal.core.models import Level
    from coachportal.core.redact import redact

    data = YAML(typ="safe").load((EXAMPLES / "engagement-closed.yml").read_text(encoding="utf-8"))
    engagement = Engagement.model_validate(data)
    sponsor = redact(engagement, Level.SPONSOR)
    assert all(r.groups == {} for s in sponsor.stages.achievement.surveys for r in s.results)
    g1 = rounds_by_goal(sponsor.stages.achievement.surveys)["G1"]
    assert [(r.round, r.aggregate.total.mean if r.aggregate.total else None) for r in g1] == [
        (1, 0.7),
        (2, 1.6),
    ]
    assert g1[1].change == 0.9 and g1[1].previous_round == 1
    assert rounds_by_goal(sponsor.stages.achievement.surveys) == rounds_by_goal(
        engagement.stages.achievement.surveys
    )


def test_aggregate_is_computed_at_load_and_cannot_be_supplied() -> None:
    s = survey(1, {"G1": {"manager": [2], "direct-reports": [1, 2, 2]}})
    assert s.results[0].aggregate == aggregate_groups({"manager": [2], "direct-reports": [1, 2, 2]})
    with pytest.raises(ValueError, match="computed"):
        Survey.model_validate(
            {"round": 1, "sent": "2026-01-01", "results": [{"goal": "G1", "aggregate": {"n": 0}}]}
        )
