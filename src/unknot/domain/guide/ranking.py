"""Rank the techniques that survived screening.

Score = sum of the weights of every match: symptom, region and goal favours from the
catalogue (a set of cited studies counts once per technique), +2 when the technique's purpose
matches the client's focus, +1 for scents when the client likes them, +1 when the client's
pressure limit lies inside the technique's usual range.
Relaxation techniques are not penalised for pain goals: for chronic low-back pain relaxation
massage did as well as focused work (cherkin-2011), so the data give them equal weights.
Ties are broken by slug so the order is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .catalogue import Basis, Catalogue, Favour, Technique
from .intake import Focus, Intake, Scents

FOCUS_WEIGHT = 2
SCENT_WEIGHT = 1
PRESSURE_FIT_WEIGHT = 1
UNVERIFIED_SUFFIX = " (This rests on unverified sources only, so it is a possibility, not a fact.)"


@dataclass(frozen=True, slots=True)
class Reason:
    """A human-readable reason, citing evidence ids or marked as practice convention."""

    text: str
    evidence: tuple[str, ...]
    basis: Basis

    def to_dict(self) -> dict[str, object]:
        """Return ``{"text", "evidence", "basis"}``."""
        return {"text": self.text, "evidence": list(self.evidence), "basis": self.basis.value}


def make_reason(text: str, evidence: Iterable[str], catalogue: Catalogue) -> Reason:
    """Build a Reason; a reason citing only U-confidence sources says so in its text."""
    cited = tuple(evidence)
    if catalogue.only_unverified(cited):
        text += UNVERIFIED_SUFFIX
    return Reason(text, cited, Basis.EVIDENCE if cited else Basis.PRACTICE)


@dataclass(frozen=True, slots=True)
class Ranked:
    """One allowed technique with its score and reasons."""

    technique: str
    score: int
    reasons: tuple[Reason, ...]


def _favours(intake: Intake, catalogue: Catalogue) -> list[Favour]:
    found: list[Favour] = []
    for slug in intake.symptoms:
        found += catalogue.symptoms[slug].favours
    for slug in intake.regions:
        found += catalogue.regions[slug].favours
    for slug in intake.goals:
        found += catalogue.goals[slug].favours
    return found


def _preference_reasons(
    technique: Technique, intake: Intake, pressure_cap: int
) -> list[tuple[int, str]]:
    prefs = intake.preferences
    found: list[tuple[int, str]] = []
    if prefs.focus is Focus.RELAX and technique.purpose == "relaxation":
        found.append((FOCUS_WEIGHT, "You want to relax, and this is a relaxation technique."))
    if prefs.focus is Focus.TREAT and technique.purpose == "therapeutic":
        found.append(
            (FOCUS_WEIGHT, "You want focused treatment, and this technique is aimed at treatment.")
        )
    if prefs.scents is Scents.YES and technique.essential_oils:
        found.append((SCENT_WEIGHT, "You said you would enjoy scented oils."))
    low, high = technique.pressure_range
    if low <= pressure_cap <= high:
        found.append(
            (
                PRESSURE_FIT_WEIGHT,
                f"Its usual pressure range (level {low}-{high}) includes your limit of "
                f"level {pressure_cap}.",
            )
        )
    else:
        found.append(
            (
                0,
                f"It is usually gentler (up to level {high}) than your limit of level "
                f"{pressure_cap}.",
            )
        )
    return found


def rank(
    intake: Intake, catalogue: Catalogue, allowed: Iterable[str], pressure_cap: int
) -> tuple[Ranked, ...]:
    """Score each allowed technique and return them best first (ties by slug).

    Every result has at least one reason (the pressure fit); every reason cites evidence ids
    or is marked practice convention. ``allowed`` must already exclude unsafe techniques:
    ranking never adds a technique back.
    """
    favours = _favours(intake, catalogue)
    results = []
    for slug in allowed:
        technique = catalogue.techniques[slug]
        score = 0
        reasons: list[Reason] = []
        seen: set[object] = set()
        for favour in favours:
            # One study backs a technique once, however many answers point to it, so the
            # same evidence is not counted twice; uncited favours are de-duplicated by text.
            key = favour.evidence or favour.text
            if favour.technique == slug and key not in seen:
                seen.add(key)
                score += favour.weight
                reasons.append(make_reason(favour.text, favour.evidence, catalogue))
        for weight, text in _preference_reasons(technique, intake, pressure_cap):
            score += weight
            reasons.append(make_reason(text, (), catalogue))
        results.append(Ranked(slug, score, tuple(reasons)))
    return tuple(sorted(results, key=lambda r: (-r.score, r.technique)))
