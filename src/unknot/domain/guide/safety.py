"""Safety screening: the hard filter applied before any ranking.

Order of precedence: a red flag or a "refer" rule means status refer; otherwise a "postpone"
rule means status postpone; otherwise the status is ok and the remaining rules add clearance
or modify flags. Preferences can exclude techniques too, but are reported as preferences,
never as safety reasons, and can never loosen a safety rule.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

from .catalogue import Action, Basis, Catalogue, Confidence, RedFlag, Rule, Technique
from .intake import SITES, Intake, Scents
from .urgency import REFER_WORDS, Urgency


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


def explain_status(status: Status | str, urgency: Urgency | str | None = None) -> str:
    """Return plain words for a status, as urgent as its most urgent flag.

    refer -> "see your doctor before booking" (or, with urgency, "get emergency help now: ..."
    / "see a doctor today, ..."); postpone -> "wait until you are well"; ok -> "you can book a
    session". Raises ValueError for an unknown status or urgency.
    """
    status = Status(status)
    if status is Status.REFER and urgency is not None:
        return REFER_WORDS[Urgency(urgency)]
    return _STATUS_WORDS[status]


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

    ``evidence`` and ``confidence`` let presentation code tell sourced facts from cautions.
    The adaptations (``pressure_cap``, ``exclude``, ``avoid_areas``, ``no_stretching``) hold
    before and after any clearance: ``cleared`` only says the go-ahead was recorded.
    ``to_dict`` gives the public JSON shape.
    """

    code: str
    action: Action
    detail: str
    techniques: tuple[str, ...]
    kind: str
    evidence: tuple[str, ...]
    confidence: Confidence
    urgency: str | None = None
    sources: tuple[tuple[str, Confidence], ...] = ()
    pressure_cap: int | None = None
    exclude: tuple[str, ...] = ()
    avoid_areas: tuple[str, ...] = ()
    no_stretching: bool = False
    cleared: bool = False
    clearance_from: str = ""

    def to_dict(self) -> dict[str, object]:
        """Return ``{"code", "action", "detail", "techniques", "urgency", "confidence",
        "sources": [{"id", "confidence"}], "adaptations", "cleared"}``."""
        return {
            "code": self.code,
            "action": self.action.value,
            "detail": self.detail,
            "techniques": list(self.techniques),
            "urgency": self.urgency,
            "confidence": self.confidence.value,
            "sources": [{"id": i, "confidence": c.value} for i, c in self.sources],
            "adaptations": {
                "pressure_cap": self.pressure_cap,
                "exclude": list(self.exclude),
                "avoid_areas": list(self.avoid_areas),
                "no_stretching": self.no_stretching,
                "holds_after_clearance": True,
            },
            "cleared": self.cleared,
            "clearance_from": self.clearance_from or None,
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
    cleared: frozenset[str] = frozenset()

    @property
    def pending_clearances(self) -> tuple[Rule, ...]:
        """Clearance rules whose go-ahead has not been recorded yet."""
        return tuple(
            r for r in self.rules if r.action is Action.CLEARANCE and r.slug not in self.cleared
        )

    def allowed(self, catalogue: Catalogue) -> tuple[str, ...]:
        """Technique slugs with no exclusion reason, in catalogue order."""
        return tuple(t for t in catalogue.techniques if not self.exclusions.get(t))

    def rules_for(self, technique: str) -> tuple[Rule, ...]:
        """Matched rules that affect ``technique``."""
        return tuple(r for r in self.rules if technique in r.techniques)


def avoid_areas_for(rule: Rule, intake: Intake) -> tuple[str, ...]:
    """The rule's areas to avoid, naming where the client said the condition is."""
    where = intake.health.sites_of(rule.slug)
    if not where:
        return rule.avoid_areas
    named = ", ".join(SITES[s] for s in where)
    return tuple(f"{area} ({named})" for area in rule.avoid_areas) or (named,)


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


def trigger_values(intake: Intake, catalogue: Catalogue) -> dict[str, bool | int | None]:
    """The health answers derived rules test (see ``TRIGGER_FIELDS``)."""
    health = intake.health
    back_pain = _back_pain(intake, catalogue)
    return {
        "anticoagulants": health.anticoagulants,
        "pregnancy_weeks": health.pregnancy_weeks,
        "recent_surgery_weeks": health.recent_surgery_weeks,
        "age": health.age,
        "back_pain_weeks": intake.pain.duration_weeks if back_pain else None,
        "back_pain_intensity": intake.pain.intensity if back_pain else None,
    }


def matched_rules(intake: Intake, catalogue: Catalogue) -> tuple[Rule, ...]:
    """Every rule that applies to the intake, in catalogue order."""
    health = intake.health
    values = trigger_values(intake, catalogue)
    precautions = {catalogue.symptoms[s].precaution for s in intake.symptoms}
    precautions |= {catalogue.goals[g].precaution for g in intake.goals}
    found = []
    for slug, rule in catalogue.rules.items():
        if rule.group == "condition":
            hit = slug in health.conditions
        elif rule.group == "derived":
            triggers = rule.triggers()
            hit = bool(triggers) and all(t.matches(values[t.field]) for t in triggers)
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


RULE_URGENCY = {Action.REFER: Urgency.TODAY.value, Action.CLEARANCE: Urgency.SOON.value}
"""A refer rule (a clot now) needs a doctor today; a clearance is needed before booking."""


def _sources(ids: tuple[str, ...], catalogue: Catalogue) -> tuple[tuple[str, Confidence], ...]:
    return tuple((i, catalogue.evidence[i].confidence) for i in ids if i in catalogue.evidence)


def _flags(
    red_flags: tuple[RedFlag, ...],
    rules: tuple[Rule, ...],
    catalogue: Catalogue,
    intake: Intake,
    cleared: frozenset[str],
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
            sources=_sources(f.evidence, catalogue),
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
            urgency=RULE_URGENCY.get(r.action),
            sources=_sources(r.evidence, catalogue),
            pressure_cap=r.pressure_cap,
            exclude=_left_out(r, catalogue),
            avoid_areas=avoid_areas_for(r, intake),
            no_stretching=r.no_stretching,
            cleared=r.action is Action.CLEARANCE and r.slug in cleared,
            clearance_from=r.clearance_from if r.action is Action.CLEARANCE else "",
        )
        for r in rules
    ]
    return tuple(flags)


def _left_out(rule: Rule, catalogue: Catalogue) -> tuple[str, ...]:
    """Techniques the rule leaves out: its list, plus joint-movement ones when no stretching."""
    found = list(rule.exclude)
    if rule.no_stretching:
        found += [t.slug for t in catalogue.techniques.values() if t.joint_movement]
    return tuple(dict.fromkeys(found))


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
        elif rule.no_stretching and technique.joint_movement:
            # Moving the joints through stretches is what this technique is; it cannot be
            # given without them, so it is left out rather than watered down.
            safety(
                f"Safety: it is built on stretching and moving your joints, which "
                f"'{rule.label}' rules out.",
                rule.slug,
            )
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


def screen(intake: Intake, catalogue: Catalogue, cleared: Collection[str] = ()) -> Screening:
    """Apply every safety rule and preference filter to ``intake``.

    ``cleared`` names clearance rules whose go-ahead has been recorded. It only marks those
    flags as cleared: every cap, exclusion and area to avoid still holds.

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

    done = frozenset(cleared)
    return Screening(
        status=status,
        red_flags=red_flags,
        rules=rules,
        flags=_flags(red_flags, rules, catalogue, intake, done),
        exclusions=exclusions,
        safety_cap=safety_cap,
        pressure_cap=pressure_cap,
        cleared=done,
    )
