"""Scores and change against the baseline, judged by each measure's MCID (table tests)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unknot.domain.progress import (
    AnswerError,
    change_vs_baseline,
    describe_mcid,
    mcid_threshold,
    score,
)


@pytest.mark.parametrize(
    ("answers", "expected"),
    [({"pain": 0}, 0), ({"pain": 7}, 7), ({"pain": 10}, 10), ({"pain": "4"}, 4)],
)
def test_a_single_item_scores_as_the_number_chosen(pain, answers, expected) -> None:
    assert score(pain, answers) == expected


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        ({}, "an answer is needed"),
        ({"pain": ""}, "an answer is needed"),
        ({"pain": 11}, "between 0 and 10"),
        ({"pain": -1}, "between 0 and 10"),
        ({"pain": 2.5}, "whole number"),
        ({"pain": True}, "whole number"),
        ({"pain": "a lot"}, "whole number"),
    ],
)
def test_bad_answers_are_refused_with_the_item_named(pain, answers, problem) -> None:
    with pytest.raises(AnswerError) as caught:
        score(pain, answers)
    assert problem in caught.value.problems["pain"]


def test_an_answer_to_another_measure_is_refused(pain) -> None:
    with pytest.raises(AnswerError) as caught:
        score(pain, {"pain": 3, "stress": 4})
    assert "stress" in caught.value.problems


def test_a_multi_item_measure_is_the_sum_of_its_items(three_items) -> None:
    assert score(three_items, {"a": 1, "b": 4, "c": 2}) == 7
    with pytest.raises(AnswerError) as caught:
        score(three_items, {"a": 1, "b": 5})
    assert set(caught.value.problems) == {"b", "c"}


def test_a_reference_only_measure_cannot_be_scored(catalogue) -> None:
    with pytest.raises(AnswerError):
        score(catalogue.measures["odi"], {"x": 1})


# Pain: 2 points or 30% of the baseline, whichever is reached first.
@pytest.mark.parametrize(
    ("baseline", "latest", "improvement", "reached", "worsened", "threshold"),
    [
        (8, 6, 2, True, False, 6.0),  # 2 points (25%): the points rule
        (8, 7, 1, False, False, 6.0),  # 1 point, 12%: not yet
        (3, 2, 1, True, False, 2.1),  # 1 point is 33%: the percent rule
        (4, 3, 1, False, False, 2.8),  # 1 point is 25%: not yet
        (10, 8, 2, True, False, 8.0),  # 2 points come before 30% (3 points)
        (5, 5, 0, False, False, 3.5),  # 30% of 5 is 1.5 points
        (5, 4, 1, False, False, 3.5),  # 20%
        (0, 0, 0, False, False, None),  # no pain: nothing to improve
        (4, 6, -2, False, True, 2.8),  # 2 points worse
        (6, 7, -1, False, False, 4.2),
    ],
)
def test_pain_change_uses_two_points_or_thirty_percent(
    pain, baseline, latest, improvement, reached, worsened, threshold
) -> None:
    change = change_vs_baseline(pain, baseline, latest)
    assert change.improvement == improvement
    assert change.reached is reached
    assert change.worsened is worsened
    assert change.threshold == threshold


@pytest.mark.parametrize(
    ("baseline", "latest", "reached", "worsened", "threshold"),
    [
        (4, 6, True, False, 6.0),  # higher is better: 2 points up
        (4, 5, False, False, 6.0),
        (6, 4, False, True, 8.0),
        (9, 10, False, False, None),  # the threshold (11) is off the scale
    ],
)
def test_sleep_quality_improves_upwards(sleep, baseline, latest, reached, worsened, threshold):
    change = change_vs_baseline(sleep, baseline, latest)
    assert (change.reached, change.worsened, change.threshold) == (reached, worsened, threshold)


def test_a_summed_measure_uses_its_own_mcid(three_items) -> None:
    assert change_vs_baseline(three_items, 9, 6).reached
    assert not change_vs_baseline(three_items, 9, 7).reached
    assert mcid_threshold(three_items, 9) == 6.0


def test_mcid_in_words(pain, sleep, catalogue) -> None:
    assert describe_mcid(pain) == "2 points or 30%"
    assert describe_mcid(sleep) == "2 points"
    assert describe_mcid(catalogue.measures["odi"]) == ""


@given(st.integers(0, 10), st.integers(0, 10))
def test_reaching_the_mcid_matches_the_rule_in_words(baseline, latest) -> None:
    from unknot.domain.guide import load_catalogue

    pain = load_catalogue().measures["pain-nrs"]
    change = change_vs_baseline(pain, baseline, latest)
    better = baseline - latest
    expected = better >= 2 or (baseline > 0 and better > 0 and better / baseline >= 0.3 - 1e-12)
    assert change.reached is expected
    assert not (change.reached and change.worsened)
    if change.reached and change.threshold is not None:
        assert latest <= change.threshold + 1e-9
