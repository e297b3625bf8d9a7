"""Parse the content files: evidence, techniques, regions, symptoms and goals."""

from __future__ import annotations

from collections.abc import Mapping

from ._fields import (
    Entry,
    confidence_of,
    evidence_ids,
    keyed_tables,
    require_some,
)
from .catalogue import Evidence, Favour, Goal, Region, Rule, Symptom, Technique

GUIDE_REFERENCES = range(1, 18)
POSITIONS = ("prone", "side-lying", "supine", "seated", "floor-mat")
EVIDENCE_KINDS = (
    "guide-reference",
    "trial",
    "systematic-review",
    "meta-analysis",
    "narrative-review",
    "observational-study",
    "mechanistic-study",
    "case-report",
    "textbook",
    "clinical-guidance",
    "practitioner-source",
    "consensus",
)


# --- evidence --------------------------------------------------------------------------------


def _seed_numbers(e: Entry) -> tuple[int, ...]:
    value = e.raw("seed", [])
    if not isinstance(value, list) or not all(
        type(v) is int and v in GUIDE_REFERENCES for v in value
    ):
        e.fail("seed must be a list of guide reference numbers 1..17")
    return tuple(value)


def parse_evidence(doc: Entry) -> dict[str, Evidence]:
    """Return evidence entries by id; guide footnotes and studies must identify each other."""
    result: dict[str, Evidence] = {}
    entries = keyed_tables(doc, "evidence", "evidence")
    for slug, e in entries:
        kind = e.choice("kind", EVIDENCE_KINDS)
        common = {
            "id": slug,
            "kind": kind,
            "title": e.text("title"),
            "confidence": confidence_of(e),
            "confidence_note": e.text("confidence_note", ""),
            "url": e.text("url", ""),
        }
        if kind == "guide-reference":
            number = e.integer("number", 1, 17)
            if slug != f"guide-{number}":
                e.fail(f"a guide reference with number {number} must have id 'guide-{number}'")
            item = Evidence(
                **common,
                number=number,
                identification=e.text("identification"),
                identifies=e.texts("identifies"),
            )
        else:
            item = Evidence(
                **common,
                title_is_description=e.flag("title_is_description", False),
                authors=e.text("authors"),
                outlet=e.text("outlet"),
                year=e.optional_integer("year", 1900, 2100),
                studied=e.text("studied"),
                design=e.text("design"),
                n=e.optional_integer("n", 1, 10_000_000),
                protocol=e.text("protocol", ""),
                result=e.text("result"),
                durability=e.text("durability", ""),
                seed=_seed_numbers(e),
            )
        e.done()
        result[slug] = item
    require_some(doc, result, "evidence entry")

    named = dict(entries)
    numbers = {item.number for item in result.values() if item.number is not None}
    if missing := sorted(set(GUIDE_REFERENCES) - numbers):
        doc.fail(f"guide references missing for number(s) {missing}")
    for slug, item in result.items():
        e = named[slug]
        for ref in item.identifies:
            target = result.get(ref)
            if target is None or target.kind == "guide-reference":
                e.fail(f"identifies cites unknown study '{ref}'")
            if item.number not in target.seed:
                e.fail(f"identifies '{ref}', but '{ref}' does not list seed {item.number}")
        for number in item.seed:
            if slug not in result[f"guide-{number}"].identifies:
                e.fail(f"lists seed {number}, but 'guide-{number}' does not identify it")
    return result


# --- techniques, regions, favours -------------------------------------------------------------


def parse_techniques(doc: Entry, evidence: Mapping[str, Evidence]) -> dict[str, Technique]:
    """Return techniques by slug, in file order."""
    result: dict[str, Technique] = {}
    for slug, e in keyed_tables(doc, "technique", "technique"):
        positions = e.texts("positions", allowed=POSITIONS)
        if not positions:
            e.fail("positions must list at least one position")
        technique = Technique(
            slug=slug,
            name=e.text("name"),
            purpose=e.choice("purpose", ("relaxation", "therapeutic")),
            pressure_range=e.int_pair("pressure_range", 1, 5),
            clothing=e.choice("clothing", ("clothed", "draped")),
            positions=positions,
            uses_oils=e.flag("uses_oils"),
            essential_oils=e.flag("essential_oils"),
            joint_movement=e.flag("joint_movement"),
            stretching=e.flag("stretching"),
            origin=e.text("origin"),
            summary=e.text("summary"),
            what_to_expect=e.text("what_to_expect"),
            possible_discomfort=e.text("possible_discomfort"),
            what_to_wear=e.text("what_to_wear"),
            evidence=evidence_ids(e, evidence),
        )
        if technique.essential_oils and not technique.uses_oils:
            e.fail("essential_oils requires uses_oils")
        e.done()
        result[slug] = technique
    require_some(doc, result, "technique")
    return result


def parse_favours(
    e: Entry, techniques: Mapping[str, Technique], evidence: Mapping[str, Evidence]
) -> tuple[Favour, ...]:
    """Return an entry's ``favours`` (technique, weight, text, evidence ids)."""
    favours: list[Favour] = []
    for f in e.tables("favours"):
        technique = f.choice("technique", techniques)
        if any(existing.technique == technique for existing in favours):
            f.fail(f"technique '{technique}' is favoured twice")
        favours.append(
            Favour(
                technique=technique,
                weight=f.integer("weight", 1, 5),
                text=f.text("text"),
                evidence=evidence_ids(f, evidence),
            )
        )
        f.done()
    return tuple(favours)


def parse_regions(
    doc: Entry, techniques: Mapping[str, Technique], evidence: Mapping[str, Evidence]
) -> dict[str, Region]:
    """Return back-map regions by slug; orders are unique."""
    result: dict[str, Region] = {}
    for slug, e in keyed_tables(doc, "region", "region"):
        region = Region(
            slug=slug,
            label=e.text("label"),
            short_label=e.text("short_label"),
            order=e.integer("order", 1, 99),
            description=e.text("description"),
            favours=parse_favours(e, techniques, evidence),
        )
        if len(region.short_label) > 16:
            e.fail("short_label must be at most 16 characters to fit the map")
        if any(other.order == region.order for other in result.values()):
            e.fail(f"order {region.order} is used twice")
        e.done()
        result[slug] = region
    require_some(doc, result, "region")
    return result


def _precaution(e: Entry, rules: Mapping[str, Rule]) -> str | None:
    slug = e.text("precaution", "") or None
    if slug is not None and (slug not in rules or rules[slug].group != "precaution"):
        e.fail(f"precaution cites unknown precaution '{slug}'")
    return slug


def parse_symptoms(
    doc: Entry,
    techniques: Mapping[str, Technique],
    evidence: Mapping[str, Evidence],
    regions: Mapping[str, Region],
    rules: Mapping[str, Rule],
) -> dict[str, Symptom]:
    """Return symptoms by slug; a precaution must name a precaution rule."""
    result: dict[str, Symptom] = {}
    for slug, e in keyed_tables(doc, "symptom", "symptom"):
        result[slug] = Symptom(
            slug=slug,
            label=e.text("label"),
            is_pain=e.flag("is_pain"),
            regions=e.texts("regions", (), allowed=regions),
            favours=parse_favours(e, techniques, evidence),
            precaution=_precaution(e, rules),
        )
        e.done()
    require_some(doc, result, "symptom")
    return result


def parse_goals(
    doc: Entry,
    techniques: Mapping[str, Technique],
    evidence: Mapping[str, Evidence],
    rules: Mapping[str, Rule],
) -> dict[str, Goal]:
    """Return goals by slug; a precaution must name a precaution rule."""
    result: dict[str, Goal] = {}
    for slug, e in keyed_tables(doc, "goal", "goal"):
        result[slug] = Goal(
            slug=slug,
            label=e.text("label"),
            description=e.text("description"),
            evidence=evidence_ids(e, evidence),
            favours=parse_favours(e, techniques, evidence),
            precaution=_precaution(e, rules),
        )
        e.done()
    require_some(doc, result, "goal")
    return result
