"""Shared checks for the safety-principle tests: does an assessment respect its own flags?"""

from __future__ import annotations

from unknot.domain.guide import Action, Assessment, Catalogue, Intake, parse_intake
from unknot.domain.guide.assessment import NO_STRETCHES
from unknot.domain.guide.catalogue import Rule


def broken_limits(a: Assessment, catalogue: Catalogue) -> list[str]:
    """Every way a recommendation breaks an active flag's cap, exclusion, area or stretch rule."""
    found = []
    for rec in a.recommendations:
        technique = catalogue.techniques[rec.technique]
        if technique.pressure_min > rec.pressure_cap:
            found.append(f"{rec.technique}: usual pressure above the cap shown")
        for flag in a.flags:
            if rec.technique not in flag.techniques:
                continue
            if flag.pressure_cap is not None and rec.pressure_cap > flag.pressure_cap:
                found.append(f"{rec.technique}: pressure {rec.pressure_cap} > {flag.code} cap")
            if flag.pressure_cap is not None and technique.pressure_min > flag.pressure_cap:
                found.append(f"{rec.technique}: its usual pressure breaks {flag.code}")
            if rec.technique in flag.exclude:
                found.append(f"{rec.technique}: left out by {flag.code} but recommended")
            if missing := [x for x in flag.avoid_areas if x not in rec.avoid_areas]:
                found.append(f"{rec.technique}: {flag.code} areas not shown: {missing}")
            if flag.no_stretching and technique.joint_movement:
                found.append(f"{rec.technique}: joint movement despite {flag.code}")
            stretches_shown = rec.no_stretching and NO_STRETCHES in rec.positioning
            if flag.no_stretching and technique.stretching and not stretches_shown:
                found.append(f"{rec.technique}: stretches not ruled out for {flag.code}")
    return found


def clearance_codes(a: Assessment) -> set[str]:
    return {f.code for f in a.flags if f.action is Action.CLEARANCE}


def intake_for(rule: Rule, catalogue: Catalogue, base: dict | None = None) -> Intake:
    """An intake that triggers ``rule`` (and as little else as possible)."""
    data: dict = {"health": {}, **(base or {})}
    health = dict(data["health"])
    if rule.group == "condition":
        health["conditions"] = [*health.get("conditions", []), rule.slug]
        if rule.slug == "high-risk-pregnancy":
            health.setdefault("pregnancy_weeks", 20)
    elif rule.group == "derived":
        for trigger in rule.triggers():
            value = True if trigger.min is None and trigger.max is None else trigger.min
            value = trigger.max if value is None else value
            if trigger.field in ("back_pain_weeks", "back_pain_intensity"):
                pain = dict(data.get("pain", {}))
                key = "duration_weeks" if trigger.field == "back_pain_weeks" else "intensity"
                pain[key] = value
                pain.setdefault("intensity", 5)
                data["pain"] = pain
                data["symptoms"] = sorted({*data.get("symptoms", []), "low-back-pain"})
            else:
                health[trigger.field] = value
    else:
        symptom = next(
            (s for s, x in catalogue.symptoms.items() if x.precaution == rule.slug), None
        )
        goal = next((g for g, x in catalogue.goals.items() if x.precaution == rule.slug), None)
        if symptom:
            data["symptoms"] = sorted({*data.get("symptoms", []), symptom})
        else:
            data["goals"] = sorted({*data.get("goals", []), goal})
    answered = {k: v for k, v in health.items() if k not in ("none_apply", "age")}
    if answered:
        health.pop("none_apply", None)
    else:
        health["none_apply"] = True
    data["health"] = health
    return parse_intake(data, catalogue, require_health=True)
