"""How soon a flag needs acting on, and the plain words for each level."""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum


class Urgency(StrEnum):
    """How soon a flag needs acting on: emergency (now), today, or soon (before booking)."""

    EMERGENCY = "emergency"
    TODAY = "today"
    SOON = "soon"


URGENCY_ORDER = (Urgency.EMERGENCY, Urgency.TODAY, Urgency.SOON)
REFER_WORDS = {
    Urgency.EMERGENCY: "get emergency help now: call emergency services or go to an emergency "
    "department, and do not book a massage",
    Urgency.TODAY: "see a doctor today, and do not book a massage until they have checked you",
    Urgency.SOON: "see your doctor before booking",
}


def most_urgent(urgencies: Collection[str | None]) -> Urgency | None:
    """The most urgent of ``urgencies`` (None when none is set)."""
    return next((u for u in URGENCY_ORDER if u.value in urgencies), None)
