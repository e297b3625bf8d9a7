"""Booking hooks: the rules other apps add to every booking, called by booking explicitly.

Booking must not import the apps above it (progress, records, programs...), yet their rules
apply to every booking. They register here from their ``AppConfig.ready`` and the booking
services call the registry, once per booking or series, inside the booking's transaction:

- a :class:`Hold` screens the client before anything is written. Its ``check`` passes (returns
  None), refuses (raises ``SafetyRefusal`` with a stable code and words for people), or lets
  the booking through as pending until staff look at it (returns a :class:`Pending` reason).
  Holds run in ``order`` (then by name) before the assessment's own screening, so the first
  hold that refuses names the reason. The safety gate runs them from ``booking.safety``.
- an :class:`Adjuster` shapes the safety snapshot of a booking about to be inserted (a
  :class:`Draft`), e.g. the lighter pressure a therapist accepted after a reaction. What it
  returns, if anything, is called with the inserted row in the same transaction, to link
  its own rows to it. The row is inserted once with its final snapshot: nothing rewrites it.

A hold may give a ``hint``: one annotation on the query that reads the client's latest
assessment, so the common case (no hold applies) costs no query of its own. ``hinted(value)``
says whether the hold may apply; only then, or when the client has no assessment, is
``check`` called. ``check`` alone decides; a hint only saves queries.

Registration replaces by name, so ``ready`` may run twice. This is the seam later rules
(deposits, intake requirements) plug into. Signals are only for announcing committed changes
(``booking_changed``): no rule lives in a signal receiver.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Attempt:
    """What a hold sees: who wants to book which technique, when, and their assessment.

    ``assessment`` is the client's latest saved assessment (None when there is none);
    ``hints`` holds each hinted hold's annotation by name, read with that assessment.
    ``booking`` is the booking being moved, None for a new booking.
    """

    client: Any
    technique_slug: str
    now: dt.datetime
    assessment: Any | None = None
    hints: Mapping[str, object] = field(default_factory=dict)
    booking: Any | None = None


@dataclass(frozen=True)
class Pending:
    """A hold's answer: book, but as pending until staff review it; ``reason`` says why."""

    code: str
    reason: str

    def to_dict(self) -> dict:
        return {"code": self.code, "reason": self.reason}


@dataclass(frozen=True)
class Hold:
    name: str
    check: Callable[[Attempt], Pending | None]
    order: int = 100
    hint: Callable[[], Any] | None = None
    """An expression over the latest assessment row (``OuterRef("client_id")``, ``"pk"``)."""
    hinted: Callable[[object], bool] = bool
    description: str = ""


@dataclass
class Draft:
    """A booking about to be written. Adjusters change ``safety`` in place.

    ``booking`` is the existing booking when it is being moved (rescheduled, or a program's
    session moved), re-screened with a fresh snapshot; None for a new booking.
    """

    client: Any
    practice_id: int
    therapist_id: int
    technique_id: int
    starts_at: dt.datetime
    now: dt.datetime
    safety: dict
    booking: Any | None = None


AfterInsert = Callable[[Any], None]


@dataclass(frozen=True)
class Adjuster:
    name: str
    adjust: Callable[[Draft], AfterInsert | None]
    order: int = 100
    description: str = ""


_HOLDS: dict[str, Hold] = {}
_ADJUSTERS: dict[str, Adjuster] = {}


def register_hold(hold: Hold) -> None:
    """Add (or replace, by name) a hold."""
    _HOLDS[hold.name] = hold


def register_adjuster(adjuster: Adjuster) -> None:
    """Add (or replace, by name) an adjuster."""
    _ADJUSTERS[adjuster.name] = adjuster


def unregister(name: str) -> None:
    """Remove a hold or adjuster by name (tests that register their own)."""
    _HOLDS.pop(name, None)
    _ADJUSTERS.pop(name, None)


def holds() -> list[Hold]:
    return sorted(_HOLDS.values(), key=lambda h: (h.order, h.name))


def adjusters() -> list[Adjuster]:
    return sorted(_ADJUSTERS.values(), key=lambda a: (a.order, a.name))


def hint_annotations() -> dict[str, Any]:
    """The annotations the latest-assessment query adds, keyed ``hold_<name>``."""
    return {f"hold_{h.name}": h.hint() for h in holds() if h.hint is not None}


def hints_of(row) -> dict[str, object]:
    """The hint values read with ``row`` (an annotated assessment), by hold name."""
    return {h.name: getattr(row, f"hold_{h.name}") for h in holds() if h.hint is not None}


def run_holds(attempt: Attempt) -> list[Pending]:
    """Run every hold in order; return the pending reasons. A refusing hold raises.

    Without an assessment (or without a hint) each hold checks in full.
    """
    pending: list[Pending] = []
    for hold in holds():
        if (
            attempt.assessment is not None
            and hold.hint is not None
            and hold.name in attempt.hints
            and not hold.hinted(attempt.hints[hold.name])
        ):
            continue
        outcome = hold.check(attempt)
        if outcome is not None:
            pending.append(outcome)
    return pending


def run_adjusters(draft: Draft) -> list[AfterInsert]:
    """Let every adjuster shape ``draft.safety``; return what to call once the row exists."""
    after: list[AfterInsert] = []
    for adjuster in adjusters():
        then = adjuster.adjust(draft)
        if then is not None:
            after.append(then)
    return after
