"""Safety screening: the hard filter applied before any ranking.

Order of precedence: a red flag or a "refer" rule means status refer; otherwise a "postpone"
rule means status postpone; otherwise the status is ok and the remaining rules add clearance
or modify flags. Preferences can exclude techniques too, but are reported as preferences,
never as safety reasons, and can never loosen a safety rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from .catalogue import Action, Basis, Catalogue, Confidence, RedFlag, Rule, Technique
from .intake import Intake, Scents


class Status(StrEnum):
    """Overall outcome of an assessment."""

    OK = "ok"
    POSTPONE = "postpone"
    REFER = "refer"


_STATUS_WORDS = {
    Status.REFER: "see your doctor before booking",
    Status.POSTPONE: "wait until you are well",
    Status.OK: "you can book a session",
}


def explain_status(status: Status | str) -> str:
    """Return plain words for a status.

    refer -> "see your doctor before booking"; postpone -> "wait until you are well";
    ok -> "you can book a session". Raises ValueError for an unknown status.
    """
    return _STATUS_WORDS[Status(status)]


UNVERIFIED_NOTE = (
    "This caution comes from unverified sources, so treat it as a precaution, not a fact."
)
CAP_CONVENTION_NOTE = (
    "The pressure limit of level {cap} is our practice's cautious default, not a number from a "
    "published guideline."
)


class ExclusionKind(StrEnum):
    """Why a technique is out: a safety rule, a preference, or the overall status."""

    SAFETY = "safety"
    PREFERENCE = "preference"
    STATUS = "status"


@dataclass(frozen=True, slots=True)
class ExclusionReason:
    """Why a technique cannot be recommended; ``source`` is a rule code or preference name."""

    text: str
    kind: ExclusionKind
    source: str


@dataclass(frozen=True, slots=True)
class Flag:
    """A health flag shown to the client and therapist.

    ``evidence``, ``confidence`` and ``cap_basis`` let presentation code tell sourced facts
    from cautions; ``to_dict`` gives the public JSON shape.
    """

    code: str
    action: Action
    detail: str
    techniques: tuple[str, ...]
    kind: str
    evidence: tuple[str, ...]
    confidence: Confidence
    urgency: str | None = None

    def to_dict(self) -> dict[str, object]:
        """Return ``{"code", "action", "detail", "techniques"}``."""
        return {
            "code": self.code,
            "action": self.action.value,
            "detail": self.detail,
            "techniques": list(self.techniques),
        }


@dataclass(frozen=True, slots=True)
class Screening:
    """Result of :func:`screen`."""

    status: Status
    red_flags: tuple[RedFlag, ...]
    rules: tuple[Rule, ...]
    flags: tuple[Flag, ...]
    exclusions: Mapping[str, tuple[ExclusionReason, ...]]
    safety_cap: int | None
    pressure_cap: int

    def allowed(self, catalogue: Catalogue) -> tuple[str, ...]:
        """Technique slugs with no exclusion reason, in catalogue order."""
        return tuple(t for t in catalogue.techniques if not self.exclusions.get(t))

    def rules_for(self, technique: str) -> tuple[Rule, ...]:
        """Matched rules that affect ``technique``."""
        return tuple(r for r in self.rules if technique in r.techniques)


def _back_pain(intake: Intake, catalogue: Catalogue) -> bool:
    return intake.pain.intensity > 0 or any(catalogue.symptoms[s].is_pain for s in intake.symptoms)


def matched_red_flags(intake: Intake, catalogue: Catalogue) -> tuple[RedFlag, ...]:
    """Red flags ticked by the client, plus those implied by a condition with back pain."""
    back_pain = _back_pain(intake, catalogue)
    conditions = set(intake.health.conditions)
    return tuple(
        flag
        for slug, flag in catalogue.red_flags.items()
        if slug in intake.health.red_flags
        or (back_pain and conditions.intersection(flag.implied_by_conditions))
    )


def matched_rules(intake: Intake, catalogue: Catalogue) -> tuple[Rule, ...]:
    """Every rule that applies to the intake, in catalogue order."""
    health = intake.health
    values = {
        "anticoagulants": health.anticoagulants,
        "pregnancy_weeks": health.pregnancy_weeks,
        "recent_surgery_weeks": health.recent_surgery_weeks,
    }
    precautions = {catalogue.symptoms[s].precaution for s in intake.symptoms}
    precautions |= {catalogue.goals[g].precaution for g in intake.goals}
    found = []
    for slug, rule in catalogue.rules.items():
        if rule.group == "condition":
            hit = slug in health.conditions
        elif rule.group == "derived":
            hit = rule.when is not None and rule.when.matches(values[rule.when.field])
        else:
            hit = slug in precautions
        if hit:
            found.append(rule)
    return tuple(found)


def _rule_detail(rule: Rule) -> str:
    parts = [rule.detail]
    if rule.pressure_cap is not None and rule.cap_basis is Basis.PRACTICE:
        parts.append(CAP_CONVENTION_NOTE.format(cap=rule.pressure_cap))
    if rule.confidence is Confidence.UNVERIFIED:
        parts.append(UNVERIFIED_NOTE)
    return " ".join(parts)


def _flags(
    red_flags: tuple[RedFlag, ...], rules: tuple[Rule, ...], catalogue: Catalogue
) -> tuple[Flag, ...]:
    every = tuple(catalogue.techniques)
    flags = [
        Flag(
            code=f.slug,
            action=Action.REFER,
            detail=f.detail,
            techniques=every,
            kind="red-flag",
            evidence=f.evidence,
            confidence=f.confidence,
            urgency=f.urgency,
        )
        for f in red_flags
    ]
    flags += [
        Flag(
            code=r.slug,
            action=r.action,
            detail=_rule_detail(r),
            techniques=r.techniques,
            kind=r.group,
            evidence=r.evidence,
            confidence=r.confidence,
        )
        for r in rules
    ]
    return tuple(flags)


def _status(red_flags: tuple[RedFlag, ...], rules: tuple[Rule, ...]) -> Status:
    actions = {r.action for r in rules}
    if red_flags or Action.REFER in actions:
        return Status.REFER
    if Action.POSTPONE in actions:
        return Status.POSTPONE
    return Status.OK


def _technique_reasons(
    technique: Technique,
    intake: Intake,
    rules: tuple[Rule, ...],
    safety_cap: int | None,
    cap_sources: str,
) -> list[ExclusionReason]:
    reasons: list[ExclusionReason] = []
    low, high = technique.pressure_range

    def safety(text: str, source: str) -> None:
        reasons.append(ExclusionReason(text, ExclusionKind.SAFETY, source))

    def preference(text: str, source: str) -> None:
        reasons.append(ExclusionReason(text, ExclusionKind.PREFERENCE, source))

    for rule in rules:
        if technique.slug in rule.exclude:
            safety(f"Safety: left out because of your health answer '{rule.label}'.", rule.slug)
        elif technique.essential_oils and rule.no_oils and technique.slug in rule.techniques:
            safety(f"Safety: uses essential oils, which '{rule.label}' rules out.", rule.slug)
        if rule.allowed_positions and not set(technique.positions) & set(rule.allowed_positions):
            safety(
                f"Safety: cannot be given in the positions allowed for '{rule.label}'.", rule.slug
            )
    # A technique is never done below its usual range: below its minimum it stops being that
    # technique, so it is excluded rather than silently watered down.
    if safety_cap is not None and low > safety_cap:
        safety(
            f"Safety: its usual pressure (level {low}-{high}) is above the safe limit of "
            f"level {safety_cap} for your health answers ({cap_sources}).",
            "pressure-cap",
        )
    tolerance = intake.preferences.pressure_tolerance
    if low > tolerance:
        preference(
            f"Your preference: its usual pressure (level {low}-{high}) is firmer than the "
            f"level {tolerance} you are comfortable with.",
            "pressure_tolerance",
        )
    if intake.preferences.stay_clothed and technique.clothing == "draped":
        preference(
            "Your preference: it is usually given undressed under a sheet, and you prefer to "
            "stay clothed.",
            "stay_clothed",
        )
    if intake.preferences.scents is Scents.NO and technique.essential_oils:
        preference("Your preference: it uses scented essential oils.", "scents")
    return reasons


def screen(intake: Intake, catalogue: Catalogue) -> Screening:
    """Apply every safety rule and preference filter to ``intake``.

    Returns the status, the matched red flags and rules, the flags to show, the exclusion
    reasons per technique and the pressure caps. ``safety_cap`` is the lowest cap of any
    matched rule (None when no rule caps pressure); ``pressure_cap`` is the lower of that and
    the client's pressure tolerance. When the status is not ok every technique is excluded.
    """
    red_flags = matched_red_flags(intake, catalogue)
    rules = matched_rules(intake, catalogue)
    status = _status(red_flags, rules)
    capping = [r for r in rules if r.pressure_cap is not None]
    safety_cap = min((r.pressure_cap for r in capping if r.pressure_cap), default=None)
    cap_sources = ", ".join(f"'{r.label}'" for r in capping if r.pressure_cap == safety_cap)
    tolerance = intake.preferences.pressure_tolerance
    pressure_cap = tolerance if safety_cap is None else min(safety_cap, tolerance)

    exclusions: dict[str, tuple[ExclusionReason, ...]] = {}
    for slug, technique in catalogue.techniques.items():
        reasons = []
        if status is not Status.OK:
            reasons.append(
                ExclusionReason(
                    f"Not now: {explain_status(status)}.", ExclusionKind.STATUS, status.value
                )
            )
        reasons += _technique_reasons(technique, intake, rules, safety_cap, cap_sources)
        if reasons:
            exclusions[slug] = tuple(reasons)

    return Screening(
        status=status,
        red_flags=red_flags,
        rules=rules,
        flags=_flags(red_flags, rules, catalogue),
        exclusions=exclusions,
        safety_cap=safety_cap,
        pressure_cap=pressure_cap,
    )
