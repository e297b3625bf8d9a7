"""A measure over time against the sessions, as data for a chart and as words.

The page draws it with Chart.js; this module decides what is drawn: one reading per
pre-session check-in, the session before each reading (technique and pressure from the note),
and the line a clinically important improvement must cross. The same facts become a table and
a one-sentence summary for screen readers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from unknot.domain.guide.catalogue import Measure

from .review import short_name
from .scoring import Change, Direction, change_vs_baseline, describe_mcid, direction_of, score_range


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """A session that happened: its number in the course, date, technique and pressure used."""

    number: int
    at: dt.datetime
    technique: str
    pressure: int | None = None


@dataclass(frozen=True, slots=True)
class Reading:
    """One score, and the last session before it (None for the baseline)."""

    at: dt.datetime
    score: int
    after: SessionInfo | None = None


def day_label(at: dt.datetime) -> str:
    """ "3 Mar 2026" in the datetime's own offset (the caller passes local times)."""
    return f"{at.day} {at:%b %Y}"


def _short_day(at: dt.datetime) -> str:
    return f"{at.day} {at:%b}"


@dataclass(frozen=True, slots=True)
class MeasureChart:
    measure: Measure
    readings: tuple[Reading, ...]
    change: Change | None
    summary: str

    @property
    def threshold(self) -> float | None:
        return self.change.threshold if self.change else None

    def rows(self) -> list[dict[str, object]]:
        """The table behind the chart: one row per reading."""
        return [
            {
                "date": day_label(r.at),
                "score": r.score,
                "session": r.after.number if r.after else None,
                "technique": r.after.technique if r.after else "",
                "pressure": r.after.pressure if r.after else None,
            }
            for r in self.readings
        ]

    def to_json(self) -> dict[str, object]:
        """What progress.js needs to draw the chart; plain JSON types only."""
        low, high = score_range(self.measure)
        threshold = self.threshold
        lower = direction_of(self.measure) is Direction.LOWER
        return {
            "measure": self.measure.slug,
            "title": self.measure.name,
            "direction": self.measure.direction,
            "min": low,
            "max": high,
            "labels": [
                f"{_short_day(r.at)} · "
                + (f"after session {r.after.number}" if r.after else "start")
                for r in self.readings
            ],
            "scores": [r.score for r in self.readings],
            "pressure": [r.after.pressure if r.after else None for r in self.readings],
            "techniques": [r.after.technique if r.after else "" for r in self.readings],
            "threshold": threshold,
            "thresholdLabel": (
                f"Clinically important change ({describe_mcid(self.measure)}): "
                + ("at or below " if lower else "at or above ")
                + f"{threshold:g}"
                if threshold is not None
                else ""
            ),
            "fill": "start" if lower else "end",
            "summary": self.summary,
        }


def summarise(measure: Measure, readings: Sequence[Reading], change: Change | None) -> str:
    """One sentence on where the measure started, where it is, and whether that matters."""
    name = short_name(measure)
    if not readings:
        return f"No check-ins yet for your {name}."
    first, last = readings[0], readings[-1]
    if len(readings) == 1 or change is None:
        return (
            f"Your {name} was {first.score} at the first check-in on {day_label(first.at)}; "
            "the next check-ins will show how it changes."
        )
    sessions = last.after.number if last.after else 0
    span = (
        f"from {change.baseline} on {day_label(first.at)} to {change.latest} on "
        f"{day_label(last.at)}, after {sessions} session{'s' if sessions != 1 else ''}"
    )
    mcid = describe_mcid(measure)
    points = abs(change.improvement)
    unit = f"{points} point{'s' if points != 1 else ''}"
    if change.reached:
        verdict = f"{unit} better, a clinically important improvement (at least {mcid})"
    elif change.worsened:
        verdict = f"{unit} worse, a clinically important worsening"
    elif change.improvement > 0:
        verdict = f"{unit} better, not yet the change that matters" + (f" ({mcid})" if mcid else "")
    elif change.improvement < 0:
        verdict = f"{unit} worse"
    else:
        verdict = "no change"
    return f"Your {name} went {span}: {verdict}."


def measure_chart(measure: Measure, readings: Sequence[Reading]) -> MeasureChart:
    """The chart of ``measure`` over ``readings`` (oldest first; the first is the baseline)."""
    ordered = tuple(sorted(readings, key=lambda r: r.at))
    change = change_vs_baseline(measure, ordered[0].score, ordered[-1].score) if ordered else None
    return MeasureChart(measure, ordered, change, summarise(measure, ordered, change))
