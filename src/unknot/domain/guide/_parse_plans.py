"""Parse outcome measures (measures.toml), programmes (programs.toml) and questions."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ._fields import Entry, confidence_of, evidence_ids, keyed_tables, require_some
from .catalogue import (
    Basis,
    Confidence,
    Evidence,
    Goal,
    Mcid,
    Measure,
    MeasureItem,
    PhaseTemplate,
    Protocol,
    ProtocolClause,
    Questions,
    Region,
    Rule,
    Symptom,
    Technique,
)

# --- measures and programmes ------------------------------------------------------------------

_SHIPPED_ONLY = ("recall", "range", "direction", "scoring", "when_to_use", "mcid", "items")


def _parse_mcid(e: Entry, evidence: Mapping[str, Evidence]) -> Mcid:
    mcid = Mcid(
        points=e.optional_integer("points", 1, 100),
        percent=e.optional_integer("percent", 1, 100),
        established=e.flag("established"),
        basis=Basis(e.choice("basis", tuple(b.value for b in Basis))),
        evidence=evidence_ids(e, evidence),
        confidence=confidence_of(e),
    )
    if mcid.points is None and mcid.percent is None:
        e.fail("needs points and/or percent")
    if mcid.basis is Basis.EVIDENCE and not (mcid.established and mcid.evidence):
        e.fail("an evidence-based threshold must be established and cite evidence")
    if not mcid.established and (
        mcid.basis is not Basis.PRACTICE or mcid.confidence is not Confidence.UNVERIFIED
    ):
        e.fail("a threshold that is not established must be practice convention with confidence U")
    e.done()
    return mcid


def parse_measures(doc: Entry, evidence: Mapping[str, Evidence]) -> dict[str, Measure]:
    """Return outcome measures; only free-to-use measures may be shipped with items."""
    result: dict[str, Measure] = {}
    for slug, e in keyed_tables(doc, "measure", "measure"):
        shipped = e.flag("shipped")
        common = {
            "slug": slug,
            "name": e.text("name"),
            "construct": e.text("construct"),
            "shipped": shipped,
            "licence": e.text("licence"),
            "evidence": evidence_ids(e, evidence),
            "confidence": confidence_of(e),
        }
        if not shipped:
            if present := [k for k in _SHIPPED_ONLY if e.has(k)]:
                e.fail(f"{present[0]} is only allowed on shipped measures")
            result[slug] = Measure(**common)
            e.done()
            continue
        if "free to use" not in common["licence"].lower():
            e.fail("a shipped measure's licence must state it is free to use")
        items = tuple(
            MeasureItem(
                id=i.text("id"),
                text=i.text("text"),
                low_anchor=i.text("low_anchor"),
                high_anchor=i.text("high_anchor"),
            )
            for i in e.tables("items")
        )
        if not items:
            e.fail("a shipped measure needs at least one item")
        result[slug] = Measure(
            **common,
            recall=e.text("recall"),
            range=e.int_pair("range", 0, 100),
            direction=e.choice("direction", ("lower-is-better", "higher-is-better")),
            scoring=e.text("scoring"),
            when_to_use=e.text("when_to_use"),
            mcid=_parse_mcid(e.table("mcid"), evidence),
            items=items,
        )
        e.done()
    require_some(doc, result, "measure")
    return result


def _parse_clause(
    e: Entry,
    symptoms: Mapping[str, Symptom],
    regions: Mapping[str, Region],
    goals: Mapping[str, Goal],
) -> ProtocolClause:
    clause = ProtocolClause(
        any_symptom=e.texts("any_symptom", (), allowed=symptoms),
        any_region=e.texts("any_region", (), allowed=regions),
        any_goal=e.texts("any_goal", (), allowed=goals),
        min_duration_weeks=e.optional_integer("min_duration_weeks", 0, 5200),
        min_intensity=e.optional_integer("min_intensity", 0, 10),
    )
    if clause == ProtocolClause():
        e.fail("needs at least one condition")
    e.done()
    return clause


def _parse_phase(e: Entry, evidence: Mapping[str, Evidence]) -> PhaseTemplate:
    phase = PhaseTemplate(
        name=e.text("name"),
        sessions=e.integer("sessions", 1, 100),
        every_days=e.integer("every_days", 0, 365),
        session_minutes=e.integer("session_minutes", 5, 180),
        rationale=e.text("rationale"),
        evidence=evidence_ids(e, evidence),
        maintenance=e.flag("maintenance", False),
    )
    if (phase.every_days == 0) != (phase.sessions == 1):
        e.fail("every_days must be 0 exactly when the phase is a single session")
    e.done()
    return phase


def parse_protocols(
    doc: Entry,
    evidence: Mapping[str, Evidence],
    symptoms: Mapping[str, Symptom],
    regions: Mapping[str, Region],
    goals: Mapping[str, Goal],
    measures: Mapping[str, Measure],
) -> dict[str, Protocol]:
    """Return programme templates; every goal must lead to one, with one fallback."""
    shipped = [slug for slug, m in measures.items() if m.shipped]
    result: dict[str, Protocol] = {}
    for slug, e in keyed_tables(doc, "protocol", "protocol"):
        fallback = e.flag("fallback", False)
        when = tuple(_parse_clause(c, symptoms, regions, goals) for c in e.tables("when"))
        if fallback == bool(when):
            e.fail("needs 'when' clauses, or fallback = true without them")
        phases = tuple(_parse_phase(p, evidence) for p in e.tables("phases"))
        if [p.maintenance for p in phases].count(True) != 1 or not phases[-1].maintenance:
            e.fail("must end with exactly one maintenance phase (benefits fade after stopping)")
        total = sum(p.sessions for p in phases)
        remeasure = e.raw("remeasure_after_sessions")
        if (
            not isinstance(remeasure, list)
            or not remeasure
            or not all(type(n) is int and 1 <= n <= total for n in remeasure)
            or sorted(set(remeasure)) != remeasure
        ):
            e.fail(f"remeasure_after_sessions must be ascending session counts 1..{total}")
        listed = e.texts("measures", allowed=shipped)
        if not listed:
            e.fail("measures must list at least one shipped measure")
        protocol = Protocol(
            slug=slug,
            label=e.text("label"),
            priority=e.integer("priority", 1, 999),
            fallback=fallback,
            when=when,
            phases=phases,
            remeasure_after_sessions=tuple(remeasure),
            notes=e.texts("notes", ()),
            measures=listed,
            safety_notes=e.texts("safety_notes", ()),
        )
        if any(other.priority == protocol.priority for other in result.values()):
            e.fail(f"priority {protocol.priority} is used twice")
        e.done()
        result[slug] = protocol
    if [p.fallback for p in result.values()].count(True) != 1:
        doc.fail("exactly one protocol must be the fallback")
    covered = {g for p in result.values() for c in p.when for g in c.any_goal}
    if uncovered := [g for g in goals if g not in covered]:
        doc.fail(f"goal '{uncovered[0]}' has no protocol")
    return result


def parse_questions(
    doc: Entry, techniques: Mapping[str, Technique], rules: Mapping[str, Rule]
) -> Questions:
    """Return the questions for the therapist, keyed by technique and rule slug."""
    general = doc.texts("general")
    if not general:
        doc.fail("general must list at least one question")

    def section(key: str, known: Mapping[str, object], what: str) -> dict[str, tuple[str, ...]]:
        table = doc.table(key, {})
        found: dict[str, tuple[str, ...]] = {}
        for slug in table.keys():  # noqa: SIM118 - Entry is not a mapping
            if slug not in known:
                table.fail(f"unknown {what} '{slug}'")
            found[slug] = table.texts(slug)
        table.done()
        return found

    return Questions(
        general=general,
        by_technique=MappingProxyType(section("technique", techniques, "technique")),
        by_rule=MappingProxyType(section("rule", rules, "rule")),
    )
