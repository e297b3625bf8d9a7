"""Outcome scores and their change against the baseline, judged by the measure's MCID.

A measure comes from the guide catalogue (``measures.toml``): its items, range, direction and
minimal clinically important difference (MCID) are data, so a practice holding a licence can add
a validated questionnaire without code changes. Multi-item measures are scored as the sum of
their items; the single-item ratings shipped today score as the number chosen.

The MCID may be given in points, in percent of the baseline, or both; reaching *either* counts
(the low-back-pain consensus reads "2 points or 30%"). Percentages are compared in integers, so
a 3 → 2 fall (33%) reaches 30% exactly as a person would expect, with no rounding surprises.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from unknot.domain.guide.catalogue import Measure


class Direction(StrEnum):
    """Which way is better on a measure."""

    LOWER = "lower-is-better"
    HIGHER = "higher-is-better"


class AnswerError(ValueError):
    """Answers that cannot be scored; ``problems`` maps an item id to what is wrong."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.problems.items()))


def is_scorable(measure: Measure) -> bool:
    """True for shipped measures with items, a range and a direction."""
    return bool(measure.shipped and measure.items and measure.range and measure.direction)


def direction_of(measure: Measure) -> Direction:
    return Direction(measure.direction)


def score(measure: Measure, answers: Mapping[str, object]) -> int:
    """Validate the answers to every item of ``measure`` and return its score.

    Each item takes a whole number within the measure's range (booleans are refused). The score
    of a one-item measure is the number chosen; of a multi-item measure, the sum of its items.

    Raises:
        AnswerError: an item is missing or out of range, or the measure cannot be scored.
    """
    if not is_scorable(measure):
        raise AnswerError({measure.slug: "this measure is not shipped with items to score"})
    low, high = measure.range  # type: ignore[misc]
    problems: dict[str, str] = {}
    values: list[int] = []
    for item in measure.items:
        raw = answers.get(item.id)
        if raw is None or raw == "":
            problems[item.id] = "an answer is needed"
            continue
        if isinstance(raw, bool):
            problems[item.id] = f"choose a whole number from {low} to {high}"
            continue
        if isinstance(raw, str):
            try:
                raw = int(raw.strip())
            except ValueError:
                problems[item.id] = f"choose a whole number from {low} to {high}"
                continue
        if not isinstance(raw, int):
            problems[item.id] = f"choose a whole number from {low} to {high}"
            continue
        if not low <= raw <= high:
            problems[item.id] = f"must be between {low} and {high}"
            continue
        values.append(raw)
    extra = set(answers) - {i.id for i in measure.items}
    for key in sorted(extra):
        problems[key] = f"is not a question of {measure.name}"
    if problems:
        raise AnswerError(problems)
    return sum(values)


def score_range(measure: Measure) -> tuple[int, int]:
    """The lowest and highest possible score (items times the item range)."""
    low, high = measure.range  # type: ignore[misc]
    n = len(measure.items)
    return low * n, high * n


@dataclass(frozen=True, slots=True)
class Change:
    """How the latest score compares with the baseline, in the measure's better direction.

    ``improvement`` is positive when better. ``needed`` is the smallest improvement that counts
    as clinically important for this baseline (None without an MCID); ``threshold`` is the score
    at which that is reached (the line drawn on charts).
    """

    baseline: int
    latest: int
    improvement: int
    percent: int | None
    needed: float | None
    threshold: float | None
    reached: bool
    worsened: bool

    def to_dict(self) -> dict[str, object]:
        return {
            "baseline": self.baseline,
            "latest": self.latest,
            "improvement": self.improvement,
            "percent": self.percent,
            "needed": self.needed,
            "threshold": self.threshold,
            "reached": self.reached,
            "worsened": self.worsened,
        }


def _meets(measure: Measure, amount: int, baseline: int) -> bool:
    """True when a move of ``amount`` points (>0) from ``baseline`` reaches the MCID."""
    mcid = measure.mcid
    if mcid is None or amount <= 0:
        return False
    if mcid.points is not None and amount >= mcid.points:
        return True
    return mcid.percent is not None and baseline > 0 and amount * 100 >= mcid.percent * baseline


def points_needed(measure: Measure, baseline: int) -> float | None:
    """The smallest improvement from ``baseline`` that reaches the MCID (points or percent)."""
    mcid = measure.mcid
    if mcid is None:
        return None
    options: list[float] = []
    if mcid.points is not None:
        options.append(float(mcid.points))
    if mcid.percent is not None and baseline > 0:
        options.append(baseline * mcid.percent / 100)
    return min(options) if options else None


def mcid_threshold(measure: Measure, baseline: int) -> float | None:
    """The score that marks a clinically important improvement from ``baseline``.

    For a lower-is-better measure it is ``baseline - needed``; for higher-is-better,
    ``baseline + needed``. None when the measure has no MCID or the threshold lies outside the
    scale (a baseline of 0 pain cannot improve).
    """
    needed = points_needed(measure, baseline)
    if needed is None:
        return None
    low, high = score_range(measure)
    value = baseline - needed if direction_of(measure) is Direction.LOWER else baseline + needed
    if not low <= value <= high:
        return None
    return round(value, 2)


def change_vs_baseline(measure: Measure, baseline: int, latest: int) -> Change:
    """Compare ``latest`` with ``baseline`` on ``measure``.

    ``reached`` is a clinically important improvement; ``worsened`` a change of the same size
    the wrong way.
    """
    raw = latest - baseline
    improvement = -raw if direction_of(measure) is Direction.LOWER else raw
    percent = round(improvement * 100 / baseline) if baseline else None
    return Change(
        baseline=baseline,
        latest=latest,
        improvement=improvement,
        percent=percent,
        needed=points_needed(measure, baseline),
        threshold=mcid_threshold(measure, baseline),
        reached=_meets(measure, improvement, baseline),
        worsened=_meets(measure, -improvement, baseline),
    )


def describe_mcid(measure: Measure) -> str:
    """Plain words for the MCID: "2 points or 30%", "2 points"; "" without one."""
    mcid = measure.mcid
    if mcid is None:
        return ""
    parts = []
    if mcid.points is not None:
        parts.append(f"{mcid.points} point{'s' if mcid.points != 1 else ''}")
    if mcid.percent is not None:
        parts.append(f"{mcid.percent}%")
    return " or ".join(parts)
