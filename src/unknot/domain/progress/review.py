"""Programme review rules, run after every check-in. Pure: the caller gathers the facts.

The rules, in order of precedence:

1. **Re-screen.** A red flag or a health condition the last self-assessment did not have →
   update the self-assessment before the next booking (booking is held until then); a red flag
   also means seeing a doctor first. Outcome rules are not run: the plan may no longer apply.
2. **Lighter pressure.** Marked soreness (6 or more of 10, our practice convention) or any other
   reaction (bruising, a headache, anything the client describes) in the follow-up → lower the
   pressure cap for the next session by one Walton level below the pressure used, and tell the
   therapist. Expected mild soreness after deep work does not trigger it.
3. **Outcome**, on the programme's primary measure, latest pre-session score against the
   baseline (the first):
   - a clinically important worsening → see a doctor or physiotherapist;
   - a clinically important improvement (pain: 2 points or 30%) → move to maintenance;
   - none by the review point (4-6 sessions) → try another technique the latest assessment
     allows, or see a clinician when none is left.

A suggestion of the same kind is not repeated within one review cycle: ``already`` gives, per
kind, the number of sessions held when it was last suggested, and it comes back only after
another ``review_point`` sessions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from unknot.domain.guide.catalogue import Catalogue, Measure

from .checkin import HealthChanges
from .scoring import Change, change_vs_baseline, describe_mcid

MARKED_SORENESS = 6
"""Soreness at or above this (0-10) counts as marked: upper "moderate" on the usual pain-rating
bands. Our practice convention, not a published threshold."""
REACTION_WINDOW = dt.timedelta(days=14)
"""A reaction older than this when the rules run is not acted on again."""
REVIEW_POINTS = (4, 6)
"""The programme review falls between the 4th and the 6th session."""
LIGHTEST = 1
"""Walton level 1: the lightest pressure."""


class SuggestionKind(StrEnum):
    MAINTENANCE = "maintenance"
    CHANGE_TECHNIQUE = "change-technique"
    SEE_CLINICIAN = "see-clinician"
    LOWER_PRESSURE = "lower-pressure"
    RESCREEN = "rescreen"


def review_point(remeasure_after_sessions: tuple[int, ...] | list[int]) -> int:
    """The session count at which "no improvement" is judged.

    The programme's first re-measurement point from the 4th session on, kept within 4-6; 4
    when the programme has none there.
    """
    low, high = REVIEW_POINTS
    first = next((n for n in sorted(remeasure_after_sessions) if n >= low), low)
    return min(first, high)


@dataclass(frozen=True, slots=True)
class Reactions:
    """The follow-up after a session: soreness 0-10 and any other reaction."""

    reported_at: dt.datetime
    soreness: int | None = None
    bruising: bool = False
    headache: bool = False
    other: str = ""
    session_pressure: int | None = None
    """Walton level used in that session, from the therapist's note (None when not noted)."""

    @property
    def marked(self) -> bool:
        """Marked soreness or any adverse reaction."""
        sore = self.soreness is not None and self.soreness >= MARKED_SORENESS
        return sore or self.bruising or self.headache or bool(self.other.strip())

    def describe(self) -> str:
        """Plain words: "soreness 7 of 10, bruising and a headache"."""
        parts = []
        if self.soreness is not None and self.soreness >= MARKED_SORENESS:
            parts.append(f"soreness {self.soreness} of 10")
        if self.bruising:
            parts.append("bruising")
        if self.headache:
            parts.append("a headache")
        if self.other.strip():
            parts.append(f'"{self.other.strip()[:120]}"')
        if not parts:
            return "no marked reaction"
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass(frozen=True, slots=True)
class ReviewInput:
    """Everything the rules look at, for one client at one practice."""

    now: dt.datetime
    primary: Measure | None = None
    scores: tuple[int, ...] = ()
    """The primary measure at each pre-session check-in, baseline first."""
    sessions_held: int = 0
    review_point: int = REVIEW_POINTS[0]
    in_maintenance: bool = False
    reactions: Reactions | None = None
    pressure_cap: int | None = None
    """The cap that applies to the next session now (assessment or booking), if known."""
    allowed_techniques: tuple[str, ...] = ()
    """What the latest assessment allows, best first."""
    techniques_tried: tuple[str, ...] = ()
    health_changes: HealthChanges = field(default_factory=HealthChanges)
    already: Mapping[SuggestionKind, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One suggestion, worded for the client and for the therapist."""

    kind: SuggestionKind
    for_client: str
    for_therapist: str
    pressure_cap: int | None = None
    technique: str | None = None
    blocks_booking: bool = False
    change: Change | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "for_client": self.for_client,
            "for_therapist": self.for_therapist,
            "pressure_cap": self.pressure_cap,
            "technique": self.technique,
            "blocks_booking": self.blocks_booking,
            "change": self.change.to_dict() if self.change else None,
        }


def short_name(measure: Measure) -> str:
    """ "Back pain rating (0-10)" → "back pain rating"."""
    name = measure.name.split(" (")[0]
    return name[:1].lower() + name[1:]


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _due(inp: ReviewInput, kind: SuggestionKind) -> bool:
    last = inp.already.get(kind)
    return last is None or inp.sessions_held >= last + inp.review_point


def _rescreen(inp: ReviewInput, catalogue: Catalogue) -> Suggestion:
    flags = [catalogue.red_flags[f].label for f in inp.health_changes.red_flags]
    conditions = [catalogue.rules[c].label for c in inp.health_changes.conditions]
    reported = _join([*flags, *conditions]).lower() if (flags or conditions) else ""
    if flags:
        client = (
            f"You reported {reported}. Please see a doctor before your next massage, then update "
            "your self-assessment. Booking is paused until you have."
        )
    else:
        client = (
            f"You told us about {reported}. Please update your self-assessment before your next "
            "session so your therapist can plan it safely. Booking is paused until you have."
        )
    therapist = (
        f"New since the last self-assessment: {reported}. "
        + ("Warning signs: the client has been told to see a doctor first. " if flags else "")
        + "Booking is held until the client updates their self-assessment; check any booking "
        "already made before treating."
    )
    return Suggestion(SuggestionKind.RESCREEN, client, therapist, blocks_booking=True)


def _lower_pressure(inp: ReviewInput, reactions: Reactions) -> Suggestion:
    known = [
        p for p in (inp.pressure_cap, reactions.session_pressure) if p is not None and p >= LIGHTEST
    ]
    base = min(known) if known else None
    cap = max(LIGHTEST, base - 1) if base is not None else 2
    what = reactions.describe()
    used = (
        f"Pressure used: level {reactions.session_pressure} of 5. "
        if reactions.session_pressure
        else "No pressure was noted for that session. "
    )
    if base == LIGHTEST:
        client = (
            f"You reported {what} after your last session. It was already at the lightest "
            "pressure, so your therapist will look at what else to change. They have been told."
        )
        therapist = (
            f"The client reported {what}. {used}The session was already at the lightest level: "
            "review the technique and areas worked, and consider whether to pause treatment."
        )
    else:
        client = (
            f"You reported {what} after your last session. Next time we suggest lighter "
            f"pressure, no more than level {cap} of 5. Your therapist has been told."
        )
        therapist = (
            f"The client reported {what}. {used}Suggested cap for the next session: "
            f"level {cap} of 5."
        )
    return Suggestion(SuggestionKind.LOWER_PRESSURE, client, therapist, pressure_cap=cap)


def _outcome(inp: ReviewInput, catalogue: Catalogue) -> Suggestion | None:
    measure = inp.primary
    if measure is None or len(inp.scores) < 2:
        return None
    change = change_vs_baseline(measure, inp.scores[0], inp.scores[-1])
    name = short_name(measure)
    mcid = describe_mcid(measure)
    moved = f"{change.baseline} → {change.latest}"
    sessions = f"{inp.sessions_held} session{'s' if inp.sessions_held != 1 else ''}"

    if change.worsened:
        if not _due(inp, SuggestionKind.SEE_CLINICIAN):
            return None
        return Suggestion(
            SuggestionKind.SEE_CLINICIAN,
            f"Your {name} is worse than at the start ({moved}). We suggest checking with a "
            "doctor or physiotherapist before carrying on; your therapist will talk it through "
            "with you.",
            f"{name.capitalize()} has worsened by a clinically important amount ({moved}; the "
            f"threshold is {mcid}) after {sessions}. Suggested: refer to a clinician before "
            "continuing.",
            change=change,
        )
    if change.reached:
        if inp.in_maintenance or not _due(inp, SuggestionKind.MAINTENANCE):
            return None
        percent = f", {change.percent}% better" if change.percent is not None else ""
        return Suggestion(
            SuggestionKind.MAINTENANCE,
            f"Your {name} has improved from {change.baseline} to {change.latest}, a change that "
            f"matters (at least {mcid}). We suggest moving to maintenance: fewer, more spaced-out "
            "sessions to keep the benefit. Your therapist will confirm.",
            f"{name.capitalize()} {moved} ({change.improvement} points{percent}) after "
            f"{sessions} reaches the clinically important change of {mcid}. Suggested: move to "
            "the maintenance phase.",
            change=change,
        )
    if inp.sessions_held < inp.review_point:
        return None
    untried = [t for t in inp.allowed_techniques if t not in inp.techniques_tried]
    if untried:
        if not _due(inp, SuggestionKind.CHANGE_TECHNIQUE):
            return None
        technique = (
            catalogue.techniques[untried[0]].name
            if untried[0] in catalogue.techniques
            else untried[0]
        )
        return Suggestion(
            SuggestionKind.CHANGE_TECHNIQUE,
            f"After {sessions} your {name} has not improved by the amount that matters "
            f"({moved}; the aim is at least {mcid}). We suggest trying {technique}, which your "
            "self-assessment allows, or seeing a doctor or physiotherapist. Your therapist will "
            "talk it through with you.",
            f"No clinically important improvement by the review point ({moved} after "
            f"{sessions}; needed {mcid}). Suggested: switch to {technique} (allowed by the "
            "latest assessment) or refer to a clinician.",
            technique=untried[0],
            change=change,
        )
    if not _due(inp, SuggestionKind.SEE_CLINICIAN):
        return None
    return Suggestion(
        SuggestionKind.SEE_CLINICIAN,
        f"After {sessions} your {name} has not improved by the amount that matters ({moved}), "
        "and the other techniques your self-assessment allows have been tried. We suggest seeing "
        "a doctor or physiotherapist.",
        f"No clinically important improvement by the review point ({moved} after {sessions}; "
        f"needed {mcid}) and no untried technique is allowed. Suggested: refer to a clinician.",
        change=change,
    )


def review(inp: ReviewInput, catalogue: Catalogue) -> tuple[Suggestion, ...]:
    """Apply the rules to ``inp``; return the suggestions, most urgent first (may be empty)."""
    out: list[Suggestion] = []
    if inp.health_changes:
        out.append(_rescreen(inp, catalogue))
    reactions = inp.reactions
    if (
        reactions is not None
        and reactions.marked
        and dt.timedelta(0) <= inp.now - reactions.reported_at <= REACTION_WINDOW
    ):
        out.append(_lower_pressure(inp, reactions))
    if not inp.health_changes:
        outcome = _outcome(inp, catalogue)
        if outcome is not None:
            out.append(outcome)
    return tuple(out)
