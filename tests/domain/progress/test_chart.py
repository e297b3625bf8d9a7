"""Chart data and the words that stand in for it."""

from __future__ import annotations

import datetime as dt

import pytest

from unknot.domain.progress import Reading, SessionInfo, measure_chart

from .conftest import T0


def readings(*scores: int) -> list[Reading]:
    out = []
    for i, value in enumerate(scores):
        at = T0 + dt.timedelta(days=7 * i)
        after = SessionInfo(i, at - dt.timedelta(days=6), "Swedish massage", 3) if i else None
        out.append(Reading(at, value, after))
    return out


def test_the_chart_marks_the_clinically_important_line(pain) -> None:
    chart = measure_chart(pain, readings(7, 6, 4))
    data = chart.to_json()
    assert data["scores"] == [7, 6, 4]
    assert data["threshold"] == 5.0
    assert data["fill"] == "start"
    assert "at or below 5" in data["thresholdLabel"]
    assert data["labels"][0].endswith("start")
    assert data["labels"][2].endswith("after session 2")
    assert data["pressure"] == [None, 3, 3]
    assert data["techniques"][1] == "Swedish massage"
    assert (data["min"], data["max"]) == (0, 10)


def test_higher_is_better_fills_upwards(sleep) -> None:
    data = measure_chart(sleep, readings(4, 5)).to_json()
    assert data["fill"] == "end"
    assert data["threshold"] == 6.0
    assert "at or above 6" in data["thresholdLabel"]


@pytest.mark.parametrize(
    ("scores", "phrases"),
    [
        ((), ["No check-ins yet for your back pain rating"]),
        ((6,), ["was 6 at the first check-in on 2 Mar 2026"]),
        (
            (7, 6, 4),
            [
                "from 7 on 2 Mar 2026 to 4 on 16 Mar 2026",
                "after 2 sessions",
                "3 points better, a clinically important improvement (at least 2 points or 30%)",
            ],
        ),
        ((7, 6), ["1 point better, not yet the change that matters (2 points or 30%)"]),
        ((4, 6), ["2 points worse, a clinically important worsening"]),
        ((5, 5), ["no change"]),
    ],
)
def test_one_sentence_summary(pain, scores, phrases) -> None:
    summary = measure_chart(pain, readings(*scores)).summary
    for phrase in phrases:
        assert phrase in summary


def test_rows_are_the_table_behind_the_chart_oldest_first(pain) -> None:
    rows = measure_chart(pain, list(reversed(readings(7, 5)))).rows()
    assert [r["score"] for r in rows] == [7, 5]
    assert rows[1] == {
        "date": "9 Mar 2026",
        "score": 5,
        "session": 1,
        "technique": "Swedish massage",
        "pressure": 3,
    }
