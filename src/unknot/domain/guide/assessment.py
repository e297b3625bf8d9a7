"""The assessment: safety screening, ranking and programme for one intake."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from .catalogue import Action, Catalogue
from .intake import Intake, Scents
from .loader import load_catalogue
from .program import Program, build_program
from .ranking import Ranked, Reason, rank
from .safety import (
    ExclusionKind,
    ExclusionReason,
    Flag,
    Screening,
    Status,
    avoid_areas_for,
    explain_status,
    screen,
)
from .urgency import Urgency, most_urgent

NO_SCENTED_OILS = (
    "No essential oils or scented products: only an unscented carrier oil or lotion is used."
)
NO_STRETCHES = "No stretches, and your joints are not moved through their range."
EMERGENCY_STEPS = (
    "Call emergency services or go to the nearest emergency department now.",
    "Do not book a massage, and do not wait to see whether it passes.",
    "Tell the doctors about the answers listed here.",
)

MAX_TECHNIQUE_QUESTIONS = 3
"""Technique questions are given for the top few recommendations only, to keep the list short."""


@dataclass(frozen=True, slots=True)
class Recommendation:
    """A recommended technique with everything the client and booking code need."""

    technique: str
    name: str
    score: int
    reasons: tuple[Reason, ...]
    pressure_cap: int
    what_to_expect: str
    what_to_wear: str
    possible_discomfort: str
    positioning: tuple[str, ...]
    avoid_areas: tuple[str, ...]
    no_oils: bool
    avoid_oils: tuple[str, ...] = ()
    no_stretching: bool = False
    session_notes: tuple[str, ...] = ()

    @property
    def oils_text(self) -> str:
        """What "no oils" means here, in plain words (empty when nothing is left out)."""
        parts = [NO_SCENTED_OILS] if self.no_oils else []
        if self.avoid_oils:
            parts.append(f"These oils are not used: {', '.join(self.avoid_oils)}.")
        return " ".join(parts)

    def to_dict(self) -> dict[str, object]:
        """Return the public JSON shape of the recommendation."""
        return {
            "technique": self.technique,
            "name": self.name,
            "score": self.score,
            "reasons": [r.to_dict() for r in self.reasons],
            "pressure_cap": self.pressure_cap,
            "what_to_expect": self.what_to_expect,
            "what_to_wear": self.what_to_wear,
            "possible_discomfort": self.possible_discomfort,
            "positioning": list(self.positioning),
            "avoid_areas": list(self.avoid_areas),
            "no_oils": self.no_oils,
            "avoid_oils": list(self.avoid_oils),
            "oils": self.oils_text,
            "no_stretching": self.no_stretching,
            "session_notes": list(self.session_notes),
        }


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A technique that must not be offered, with every reason."""

    technique: str
    reasons: tuple[ExclusionReason, ...]

    @property
    def safety(self) -> bool:
        """True when any reason is a safety rule or the overall status (not just preference)."""
        return any(r.kind is not ExclusionKind.PREFERENCE for r in self.reasons)

    def to_dict(self) -> dict[str, object]:
        """Return ``{"technique", "reasons": [text]}``."""
        return {"technique": self.technique, "reasons": [r.text for r in self.reasons]}


@dataclass(frozen=True, slots=True)
class Assessment:
    """Outcome of :func:`assess`. Immutable; ``to_dict`` gives the public JSON contract."""

    status: Status
    summary: str
    recommendations: tuple[Recommendation, ...]
    excluded: tuple[Exclusion, ...]
    flags: tuple[Flag, ...]
    program: Program
    questions_for_therapist: tuple[str, ...]
    catalogue_version: str
    pressure_cap: int
    safety_pressure_cap: int | None

    def allowed_techniques(self) -> tuple[str, ...]:
        """Slugs that may be booked, best first; empty unless the status is ok."""
        return tuple(r.technique for r in self.recommendations)

    def excluded_techniques(self) -> tuple[str, ...]:
        """Slugs that must not be booked."""
        return tuple(e.technique for e in self.excluded)

    @property
    def needs_clearance(self) -> bool:
        """True when a go-ahead is still needed before the first session (not yet recorded)."""
        return any(f.action is Action.CLEARANCE and not f.cleared for f in self.flags)

    @property
    def urgency(self) -> Urgency | None:
        """The most urgent flag's urgency: emergency, today, soon, or None."""
        return most_urgent({f.urgency for f in self.flags})

    @property
    def emergency(self) -> bool:
        """True when something needs emergency care now."""
        return self.urgency is Urgency.EMERGENCY

    def next_steps(self) -> tuple[str, ...]:
        """What to do now; for an emergency, that and nothing else."""
        if self.emergency:
            return EMERGENCY_STEPS
        if self.status is not Status.OK:
            return (explain_status(self.status, self.urgency).capitalize() + ".",)
        if self.needs_clearance:
            return ("Get the go-ahead asked for in the health notes before your first session.",)
        return ()

    @property
    def bookable(self) -> bool:
        """True when booking may proceed now (clearance may still be needed first)."""
        return self.status is Status.OK and bool(self.recommendations)

    def to_dict(self) -> dict[str, object]:
        """Return the JSON-serialisable contract dict (see the module docs of the package)."""
        return {
            "status": self.status.value,
            "urgency": None if self.urgency is None else self.urgency.value,
            "summary": self.summary,
            "next_steps": list(self.next_steps()),
            "recommendations": [r.to_dict() for r in self.recommendations],
            "excluded": [e.to_dict() for e in self.excluded],
            "flags": [f.to_dict() for f in self.flags],
            "program": self.program.to_dict(),
            "questions_for_therapist": list(self.questions_for_therapist),
            "catalogue_version": self.catalogue_version,
        }


def _recommendation(
    ranked: Ranked, intake: Intake, catalogue: Catalogue, screening: Screening
) -> Recommendation:
    technique = catalogue.techniques[ranked.technique]
    rules = screening.rules_for(ranked.technique)
    no_stretching = technique.stretching and any(r.no_stretching for r in rules)
    positioning = [p for r in rules for p in r.positioning]
    if no_stretching:
        positioning.append(NO_STRETCHES)
    return Recommendation(
        technique=technique.slug,
        name=technique.name,
        score=ranked.score,
        reasons=ranked.reasons,
        pressure_cap=min(screening.pressure_cap, technique.pressure_max),
        what_to_expect=technique.what_to_expect,
        what_to_wear=technique.what_to_wear,
        possible_discomfort=technique.possible_discomfort,
        positioning=tuple(dict.fromkeys(positioning)),
        avoid_areas=tuple(dict.fromkeys(a for r in rules for a in avoid_areas_for(r, intake))),
        no_oils=intake.preferences.scents is Scents.NO or any(r.no_oils for r in rules),
        avoid_oils=tuple(dict.fromkeys(o for r in rules for o in r.avoid_oils)),
        no_stretching=no_stretching,
        session_notes=tuple(dict.fromkeys(n for r in rules for n in r.session_notes)),
    )


def _labels(labels: list[str]) -> str:
    return "; ".join(label[:1].lower() + label[1:] for label in labels)


def _summary(screening: Screening, recs: tuple[Recommendation, ...]) -> str:
    if screening.status is Status.REFER:
        urgency = most_urgent({f.urgency for f in screening.flags})
        if urgency is Urgency.EMERGENCY:
            return (
                "Some of your answers need emergency medical care: please go to an emergency "
                "department or call emergency services now, and do not book a massage."
            )
        reasons = [f.label for f in screening.red_flags]
        reasons += [r.label for r in screening.rules if r.action is Action.REFER]
        when = "today" if urgency is Urgency.TODAY else "before booking"
        return (
            f"Please see a doctor {when} because of: {_labels(reasons)}. "
            "Massage has to wait until a doctor has checked you."
        )
    if screening.status is Status.POSTPONE:
        reasons = [r.label for r in screening.rules if r.action is Action.POSTPONE]
        return f"Please wait until you are well before booking, because of: {_labels(reasons)}."
    if not recs:
        return (
            "None of our techniques fits your safety limits and preferences together; please "
            "talk to a therapist about what could work for you."
        )
    tied = [r.name for r in recs if r.score == recs[0].score]
    if len(tied) > 1:
        text = f"Several techniques fit your answers equally well: {', '.join(tied)}."
    else:
        text = f"{recs[0].name} looks like the best fit for your answers."
    pending = screening.pending_clearances
    by_whom = dict.fromkeys(r.clearance_from for r in pending)
    for who in by_whom:
        labels = [r.label for r in pending if r.clearance_from == who]
        text += f" Please get the go-ahead of {who} first, because of: {_labels(labels)}."
    if any(r.adapts or r.action is Action.MODIFY for r in screening.rules):
        text += (
            " Your therapist will adapt the session to your health answers, and these "
            "adaptations stay in place after any go-ahead."
        )
    return text


def _questions(
    screening: Screening, recs: tuple[Recommendation, ...], catalogue: Catalogue
) -> tuple[str, ...]:
    if most_urgent({f.urgency for f in screening.flags}) is Urgency.EMERGENCY:
        # An emergency is about what to do now, not about planning a session.
        return ()
    qs = catalogue.questions
    found = list(qs.general)
    for rule in screening.rules:
        found += qs.by_rule.get(rule.slug, ())
    for rec in recs[:MAX_TECHNIQUE_QUESTIONS]:
        found += qs.by_technique.get(rec.technique, ())
    return tuple(dict.fromkeys(found))


def assess(
    intake: Intake, catalogue: Catalogue | None = None, *, cleared: Collection[str] = ()
) -> Assessment:
    """Assess a validated intake; pure and deterministic.

    Safety comes first as a hard filter: any red flag or refer rule gives status "refer" and
    a fever or catching illness gives "postpone", both with no recommendations and no
    programme. Otherwise every allowed technique is ranked (best first, ties by slug), each
    recommendation carrying a pressure cap no higher than any matched rule's cap or the
    client's tolerance. Excluded techniques are never recommended, whatever their score.

    ``cleared`` names clearance rules whose go-ahead is recorded: their flags say so, but every
    pressure cap, exclusion and area to avoid stays exactly as before.
    """
    cat = catalogue or load_catalogue()
    screening = screen(intake, cat, cleared)
    allowed = screening.allowed(cat) if screening.status is Status.OK else ()
    ranked = rank(intake, cat, allowed, screening.pressure_cap)
    recs = tuple(_recommendation(r, intake, cat, screening) for r in ranked)
    excluded = tuple(
        Exclusion(slug, screening.exclusions[slug])
        for slug in cat.techniques
        if screening.exclusions.get(slug)
    )
    program = build_program(intake, cat, screening.status, screening.flags, bool(recs))
    return Assessment(
        status=screening.status,
        summary=_summary(screening, recs),
        recommendations=recs,
        excluded=excluded,
        flags=screening.flags,
        program=program,
        questions_for_therapist=_questions(screening, recs, cat),
        catalogue_version=cat.version,
        pressure_cap=screening.pressure_cap,
        safety_pressure_cap=screening.safety_cap,
    )
