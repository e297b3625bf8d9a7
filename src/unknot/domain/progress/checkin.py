"""What a check-in asks: which outcome measures before a session, and the follow-up after one.

Before each session a client rates pain (always) and the measures their programme tracks for
their goals (stress, sleep quality, stiffness), marks where it hurts on the back map, and may
report a change in their health. 24-48 hours after a session they report reactions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from unknot.domain.guide.catalogue import Catalogue

from .scoring import is_scorable

PAIN = "pain-nrs"
"""The measure every pre-session check-in asks, whatever the goals."""


class Kind(StrEnum):
    """The two check-ins around a session."""

    BEFORE = "before"
    AFTER = "after"


BEFORE_OPENS = dt.timedelta(days=3)
"""A pre-session check-in can be filled from three days before the session ..."""
BEFORE_CLOSES = dt.timedelta(hours=1)
"""... until an hour after it starts (a client may fill it in the waiting room)."""
AFTER_OPENS = dt.timedelta(hours=12)
"""The follow-up opens 12 hours after the session ends (it asks about 24-48 hours) ..."""
AFTER_CLOSES = dt.timedelta(days=7)
"""... and closes a week after, when memories of a reaction are no longer reliable."""


class Relief(StrEnum):
    """How long the relief from a session lasted."""

    NONE = "none"
    HOURS = "hours"
    ONE_DAY = "one-day"
    TWO_DAYS = "two-days"
    STILL = "still"


RELIEF_LABELS: Mapping[Relief, str] = {
    Relief.NONE: "I felt no relief",
    Relief.HOURS: "A few hours",
    Relief.ONE_DAY: "About a day",
    Relief.TWO_DAYS: "Two days or more",
    Relief.STILL: "I still feel better",
}

SORENESS_RANGE = (0, 10)


@dataclass(frozen=True, slots=True)
class Window:
    opens: dt.datetime
    closes: dt.datetime

    def contains(self, now: dt.datetime) -> bool:
        return self.opens <= now <= self.closes


def window(kind: Kind, starts_at: dt.datetime, ends_at: dt.datetime) -> Window:
    """When a check-in of ``kind`` can be filled for a session from ``starts_at`` to ``ends_at``."""
    if kind is Kind.BEFORE:
        return Window(starts_at - BEFORE_OPENS, starts_at + BEFORE_CLOSES)
    return Window(ends_at + AFTER_OPENS, ends_at + AFTER_CLOSES)


def checkin_measures(program_measures: Iterable[str], catalogue: Catalogue) -> tuple[str, ...]:
    """The measures a pre-session check-in asks: pain first, then the programme's, in order.

    ``program_measures`` are the measures of every protocol matching the client's goals (the
    guide's programme plan); measures that are not shipped with items are left out.
    """
    wanted = dict.fromkeys([PAIN, *program_measures])
    return tuple(
        slug
        for slug in wanted
        if slug in catalogue.measures and is_scorable(catalogue.measures[slug])
    )


@dataclass(frozen=True, slots=True)
class HealthChanges:
    """Red flags and conditions reported in a check-in that the last assessment did not have."""

    red_flags: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.red_flags or self.conditions)


def new_health_changes(
    reported_red_flags: Iterable[str],
    reported_conditions: Iterable[str],
    assessed_health: Mapping[str, object] | None,
) -> HealthChanges:
    """What is new against the assessed intake's ``health`` part (``{"red_flags", "conditions"}``).

    Items the assessment already knew are not new: the safety gate has already weighed them.
    """
    health = assessed_health or {}
    had_flags = set(health.get("red_flags") or ())  # type: ignore[arg-type]
    had_conditions = set(health.get("conditions") or ())  # type: ignore[arg-type]
    flags = tuple(dict.fromkeys(f for f in reported_red_flags if f not in had_flags))
    conditions = tuple(dict.fromkeys(c for c in reported_conditions if c not in had_conditions))
    return HealthChanges(flags, conditions)


def validate_health_report(
    red_flags: Iterable[str], conditions: Iterable[str], catalogue: Catalogue
) -> dict[str, str]:
    """Problems with reported slugs (unknown red flag or condition), keyed by field."""
    problems: dict[str, str] = {}
    bad_flags = [f for f in red_flags if f not in catalogue.red_flags]
    if bad_flags:
        problems["red_flags"] = f"unknown warning sign: {', '.join(bad_flags)}"
    bad_conditions = [c for c in conditions if c not in catalogue.conditions]
    if bad_conditions:
        problems["conditions"] = f"unknown condition: {', '.join(bad_conditions)}"
    return problems


def validate_regions(regions: Iterable[str], catalogue: Catalogue) -> str | None:
    """A problem with back-map region slugs, or None."""
    bad = [r for r in regions if r not in catalogue.regions]
    return f"unknown area: {', '.join(bad)}" if bad else None
