"""Programme planning from goals and the dosing evidence (programs.toml).

Combination rule: every protocol whose clauses match the intake applies; the one with the
lowest priority number (surgery recovery, then pain and function, then mental health, then
wellness) sets the whole schedule, and the others are named in the notes as being worked on
in the same sessions. Cadences are never merged, because no trial tested merged schedules.
Safety notes (``safety_notes``) are never dropped: every applicable protocol's are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import Action, Catalogue, Protocol, ProtocolClause
from .intake import Intake
from .safety import Flag, Status, explain_status


@dataclass(frozen=True, slots=True)
class Phase:
    """One phase of a client's programme."""

    name: str
    sessions: int
    every_days: int
    session_minutes: int
    rationale: str
    evidence: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """Return the public JSON shape of the phase."""
        return {
            "name": self.name,
            "sessions": self.sessions,
            "every_days": self.every_days,
            "session_minutes": self.session_minutes,
            "rationale": self.rationale,
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True, slots=True)
class Program:
    """A programme plan. ``protocol`` is None when no plan is made (status not ok)."""

    phases: tuple[Phase, ...]
    remeasure_after_sessions: tuple[int, ...]
    notes: tuple[str, ...]
    protocol: str | None = None
    also_applies: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()

    @property
    def total_sessions(self) -> int:
        """Number of sessions over all phases."""
        return sum(p.sessions for p in self.phases)

    def to_dict(self) -> dict[str, object]:
        """Return ``{"phases", "remeasure_after_sessions", "notes"}``."""
        return {
            "phases": [p.to_dict() for p in self.phases],
            "remeasure_after_sessions": list(self.remeasure_after_sessions),
            "notes": list(self.notes),
        }


def _clause_matches(clause: ProtocolClause, intake: Intake) -> bool:
    checks = []
    if clause.any_symptom:
        checks.append(bool(set(clause.any_symptom) & set(intake.symptoms)))
    if clause.any_region:
        checks.append(bool(set(clause.any_region) & set(intake.regions)))
    if clause.any_goal:
        checks.append(bool(set(clause.any_goal) & set(intake.goals)))
    if clause.min_duration_weeks is not None:
        checks.append(intake.pain.duration_weeks >= clause.min_duration_weeks)
    if clause.min_intensity is not None:
        checks.append(intake.pain.intensity >= clause.min_intensity)
    return bool(checks) and all(checks)


def applicable_protocols(intake: Intake, catalogue: Catalogue) -> tuple[Protocol, ...]:
    """Protocols that match the intake, dominant first; the fallback only if none match."""
    found = [
        p
        for p in catalogue.protocols.values()
        if not p.fallback and any(_clause_matches(c, intake) for c in p.when)
    ]
    if not found:
        found = [p for p in catalogue.protocols.values() if p.fallback]
    return tuple(sorted(found, key=lambda p: p.priority))


def _measure_note(catalogue: Catalogue, measures: tuple[str, ...]) -> str:
    names = ", ".join(catalogue.measures[m].name.lower() for m in measures)
    note = f"Before the first session and at each review point, record: {names}."
    pain = catalogue.measures.get("pain-nrs")
    if "pain-nrs" in measures and pain is not None and pain.mcid is not None:
        note += (
            f" A fall of {pain.mcid.points} points or {pain.mcid.percent}% on the pain rating "
            "is a change that matters; without it by the review, the plan is changed or stopped."
        )
    return note


def build_program(
    intake: Intake,
    catalogue: Catalogue,
    status: Status,
    flags: tuple[Flag, ...],
    has_recommendations: bool,
) -> Program:
    """Return the programme for an intake.

    No phases are planned when the status is not ok or nothing can be recommended; the notes
    then say why. Otherwise the dominant protocol's phases are used unchanged (session lengths
    come from the trials; 30-minute neck sessions, for example, did not work), with
    re-measurement points, a maintenance phase, and notes on clearance and other goals.
    """
    if status is not Status.OK:
        return Program((), (), (f"No programme yet: {explain_status(status)}.",))
    if not has_recommendations:
        return Program(
            (),
            (),
            (
                "No programme yet: no technique fits your safety limits and preferences together; "
                "please talk to a therapist about options.",
            ),
        )

    protocols = applicable_protocols(intake, catalogue)
    main, others = protocols[0], protocols[1:]
    measures = tuple(dict.fromkeys(m for p in protocols for m in p.measures))
    notes: list[str] = []
    if any(f.action is Action.CLEARANCE and not f.cleared for f in flags):
        notes.append("Start only after you have the go-ahead asked for in the health notes.")
    # Safety notes come from every goal that applies, not only the one that sets the plan.
    notes += dict.fromkeys(n for p in protocols for n in p.safety_notes)
    notes += main.notes
    if others:
        labels = ", ".join(p.label.lower() for p in others)
        notes.append(
            f"Your other aims ({labels}) are worked on in the same sessions; the schedule follows "
            f"the {main.label.lower()} plan, which takes priority under our practice rule."
        )
    notes.append(_measure_note(catalogue, measures))
    notes.append(
        "None of these techniques includes spinal manipulation (fast thrusts or cracking), "
        "which accounts for most reported serious harms linked to massage."
    )
    phases = tuple(
        Phase(p.name, p.sessions, p.every_days, p.session_minutes, p.rationale, p.evidence)
        for p in main.phases
    )
    return Program(
        phases=phases,
        remeasure_after_sessions=main.remeasure_after_sessions,
        notes=tuple(notes),
        protocol=main.slug,
        also_applies=tuple(p.slug for p in others),
        measures=measures,
    )
