"""What a check-in asks and when it can be filled."""

from __future__ import annotations

import datetime as dt

import pytest

from unknot.domain.progress import (
    Kind,
    checkin_measures,
    new_health_changes,
    validate_health_report,
    validate_regions,
    window,
)

from .conftest import T0


@pytest.mark.parametrize(
    ("program", "expected"),
    [
        ((), ("pain-nrs",)),
        (("stress-nrs", "sleep-nrs"), ("pain-nrs", "stress-nrs", "sleep-nrs")),
        (("stiffness-nrs", "pain-nrs"), ("pain-nrs", "stiffness-nrs")),
        (("odi", "stress-nrs"), ("pain-nrs", "stress-nrs")),  # not shipped: never asked
        (("no-such-measure",), ("pain-nrs",)),
    ],
)
def test_pain_always_then_the_goal_measures(catalogue, program, expected) -> None:
    assert checkin_measures(program, catalogue) == expected


@pytest.mark.parametrize(
    ("kind", "offset", "open_"),
    [
        (Kind.BEFORE, dt.timedelta(days=-3, seconds=-1), False),
        (Kind.BEFORE, dt.timedelta(days=-1), True),
        (Kind.BEFORE, dt.timedelta(minutes=59), True),
        (Kind.BEFORE, dt.timedelta(hours=2), False),
        (Kind.AFTER, dt.timedelta(hours=2), False),  # an hour after the session ends
        (Kind.AFTER, dt.timedelta(hours=25), True),
        (Kind.AFTER, dt.timedelta(days=7, hours=2), False),
    ],
)
def test_check_in_windows(kind, offset, open_) -> None:
    start, end = T0, T0 + dt.timedelta(hours=1)
    assert window(kind, start, end).contains(T0 + offset) is open_


def test_only_new_health_reports_count() -> None:
    changes = new_health_changes(
        ["saddle-numbness"],
        ["osteoporosis", "diabetes"],
        {"conditions": ["diabetes"], "red_flags": []},
    )
    assert changes.red_flags == ("saddle-numbness",)
    assert changes.conditions == ("osteoporosis",)
    assert not new_health_changes([], ["diabetes"], {"conditions": ["diabetes"]})


def test_unknown_slugs_are_named(catalogue) -> None:
    problems = validate_health_report(["nope"], ["osteoporosis", "zzz"], catalogue)
    assert "nope" in problems["red_flags"] and "zzz" in problems["conditions"]
    assert validate_health_report(["saddle-numbness"], ["osteoporosis"], catalogue) == {}
    assert validate_regions(["lower-back", "knee"], catalogue) == "unknown area: knee"
    assert validate_regions(["neck"], catalogue) is None
