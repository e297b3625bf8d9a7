"""Load and validate the catalogue TOML files.

Every problem raises :class:`CatalogueError` naming the file and the entry. Cross-references
(evidence ids, technique slugs, rule slugs, ...) are checked so that a catalogue that loads is
internally consistent.
"""

from __future__ import annotations

import datetime
import functools
import os
import re
import tomllib
from collections.abc import Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType

from ._fields import Entry, check_refs, keyed_tables
from .catalogue import (
    Action,
    Basis,
    Catalogue,
    Confidence,
    Evidence,
    Favour,
    Goal,
    Mcid,
    Measure,
    MeasureItem,
    PhaseTemplate,
    Protocol,
    ProtocolClause,
    Questions,
    RedFlag,
    Region,
    Rule,
    Symptom,
    Technique,
    Trigger,
)
from .errors import CatalogueError

DATA_FILES = (
    "evidence",
    "techniques",
    "regions",
    "conditions",
    "symptoms",
    "goals",
    "red_flags",
    "measures",
    "programs",
    "questions",
)
MANIFEST = "catalogue"
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
CONFIDENCES = tuple(c.value for c in Confidence)
RULE_GROUPS = (
    ("condition", "condition"),
    ("derived", "derived rule"),
    ("precaution", "precaution"),
)
TRIGGER_FIELDS = ("anticoagulants", "pregnancy_weeks", "recent_surgery_weeks")
_VERSION = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\d+$")


def load_catalogue(path: str | os.PathLike[str] | Traversable | None = None) -> Catalogue:
    """Return the validated catalogue.

    With no argument, load the data files shipped inside this package; the result is cached,
    so repeated calls are free and return the same object. With ``path`` (a directory holding
    ``catalogue.toml`` and the data files), load that directory afresh, uncached: tests use it
    for deliberately broken files.

    Raises:
        CatalogueError: a file is missing, is not valid TOML, or fails validation; the message
            names the file and the entry.
    """
    if path is None:
        return _packaged_catalogue()
    root = Path(path) if isinstance(path, str | os.PathLike) else path
    return _load(root)


@functools.cache
def _packaged_catalogue() -> Catalogue:
    return _load(resources.files(__package__).joinpath("data"))


def _read(root: Traversable, name: str) -> Entry:
    file = f"{name}.toml"
    try:
        raw = root.joinpath(file).read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
        raise CatalogueError(file, "file is missing") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CatalogueError(file, "file is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(file, f"not valid TOML ({exc})") from exc
    return Entry(file, None, data)


def _version(entry: Entry, key: str = "version") -> str:
    value = entry.text(key)
    match = _VERSION.match(value)
    try:
        valid = match is not None and bool(datetime.date.fromisoformat(match.group(1)))
    except ValueError:
        valid = False
    if not valid:
        entry.fail(f"{key} '{value}' must look like YYYY-MM-DD.N with a real date")
    return value


def _load(root: Traversable) -> Catalogue:
    manifest = _read(root, MANIFEST)
    version = _version(manifest)
    files = manifest.table("files")
    file_versions = {name: _version(files, name) for name in DATA_FILES}
    files.done()
    manifest.done()

    docs: dict[str, Entry] = {}
    for name in DATA_FILES:
        doc = _read(root, name)
        if _version(doc) != file_versions[name]:
            doc.fail(
                f"version '{file_versions[name]}' expected by catalogue.toml, "
                f"found '{doc.raw('version')}'"
            )
        docs[name] = doc

    evidence = _parse_evidence(docs["evidence"])
    techniques = _parse_techniques(docs["techniques"], evidence)
    regions = _parse_regions(docs["regions"], techniques, evidence)
    rules = _parse_rules(docs["conditions"], techniques, evidence)
    symptoms = _parse_symptoms(docs["symptoms"], techniques, evidence, regions, rules)
    goals = _parse_goals(docs["goals"], techniques, evidence, rules)
    red_flags = _parse_red_flags(docs["red_flags"], evidence, rules)
    measures = _parse_measures(docs["measures"], evidence)
    protocols = _parse_protocols(docs["programs"], evidence, symptoms, regions, goals, measures)
    questions = _parse_questions(docs["questions"], techniques, rules)
    for doc in docs.values():
        doc.done()

    return Catalogue(
        version=version,
        file_versions=MappingProxyType(file_versions),
        evidence=MappingProxyType(evidence),
        techniques=MappingProxyType(techniques),
        regions=MappingProxyType(regions),
        symptoms=MappingProxyType(symptoms),
        goals=MappingProxyType(goals),
        rules=MappingProxyType(rules),
        red_flags=MappingProxyType(red_flags),
        measures=MappingProxyType(measures),
        protocols=MappingProxyType(protocols),
        questions=questions,
    )


def _require_some(doc: Entry, items: Mapping[str, object], what: str) -> None:
    if not items:
        doc.fail(f"must define at least one {what}")


def _confidence(e: Entry, key: str = "confidence") -> Confidence:
    return Confidence(e.choice(key, CONFIDENCES))


def _evidence_ids(
    e: Entry, evidence: Mapping[str, Evidence], key: str = "evidence"
) -> tuple[str, ...]:
    ids = e.texts(key, ())
    check_refs(e, key, ids, evidence, "evidence id")
    return ids


# --- evidence --------------------------------------------------------------------------------


def _seed_numbers(e: Entry) -> tuple[int, ...]:
    value = e.raw("seed", [])
    if not isinstance(value, list) or not all(
        type(v) is int and v in GUIDE_REFERENCES for v in value
    ):
        e.fail("seed must be a list of guide reference numbers 1..17")
    return tuple(value)


def _parse_evidence(doc: Entry) -> dict[str, Evidence]:
    result: dict[str, Evidence] = {}
    entries = keyed_tables(doc, "evidence", "evidence")
    for slug, e in entries:
        kind = e.choice("kind", EVIDENCE_KINDS)
        common = {
            "id": slug,
            "kind": kind,
            "title": e.text("title"),
            "confidence": _confidence(e),
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
    _require_some(doc, result, "evidence entry")

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


def _parse_techniques(doc: Entry, evidence: Mapping[str, Evidence]) -> dict[str, Technique]:
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
            evidence=_evidence_ids(e, evidence),
        )
        if technique.essential_oils and not technique.uses_oils:
            e.fail("essential_oils requires uses_oils")
        e.done()
        result[slug] = technique
    _require_some(doc, result, "technique")
    return result


def _parse_favours(
    e: Entry, techniques: Mapping[str, Technique], evidence: Mapping[str, Evidence]
) -> tuple[Favour, ...]:
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
                evidence=_evidence_ids(f, evidence),
            )
        )
        f.done()
    return tuple(favours)


def _parse_regions(
    doc: Entry, techniques: Mapping[str, Technique], evidence: Mapping[str, Evidence]
) -> dict[str, Region]:
    result: dict[str, Region] = {}
    for slug, e in keyed_tables(doc, "region", "region"):
        region = Region(
            slug=slug,
            label=e.text("label"),
            short_label=e.text("short_label"),
            order=e.integer("order", 1, 99),
            description=e.text("description"),
            favours=_parse_favours(e, techniques, evidence),
        )
        if len(region.short_label) > 16:
            e.fail("short_label must be at most 16 characters to fit the map")
        if any(other.order == region.order for other in result.values()):
            e.fail(f"order {region.order} is used twice")
        e.done()
        result[slug] = region
    _require_some(doc, result, "region")
    return result


# --- rules, symptoms, goals, red flags -------------------------------------------------------


def _parse_trigger(e: Entry) -> Trigger:
    field = e.choice("field", TRIGGER_FIELDS)
    low = e.optional_integer("min", 0, 100)
    high = e.optional_integer("max", 0, 100)
    if field == "anticoagulants" and (low is not None or high is not None):
        e.fail("a yes/no field takes no min or max")
    if field != "anticoagulants" and low is None and high is None:
        e.fail(f"{field} needs min and/or max")
    if low is not None and high is not None and low > high:
        e.fail("min must not exceed max")
    e.done()
    return Trigger(field=field, min=low, max=high)


def _parse_rule(
    slug: str,
    group: str,
    e: Entry,
    techniques: Mapping[str, Technique],
    evidence: Mapping[str, Evidence],
) -> Rule:
    listed = e.texts("techniques", allowed=(*techniques, "all"))
    if not listed or ("all" in listed and len(listed) > 1):
        e.fail('techniques must be ["all"] or a list of technique slugs')
    affected = tuple(techniques) if listed == ("all",) else listed
    action = Action(e.choice("action", tuple(a.value for a in Action)))
    if action in (Action.REFER, Action.POSTPONE) and listed != ("all",):
        e.fail(f"action '{action}' stops the whole session, so techniques must be [\"all\"]")

    cap = e.optional_integer("pressure_cap", 1, 5)
    cap_basis = None
    if cap is not None:
        basis = e.choice("cap_basis", ("guideline", Basis.PRACTICE.value))
        cap_basis = Basis.PRACTICE if basis == Basis.PRACTICE else Basis.EVIDENCE
        if listed != ("all",):
            e.fail('a pressure_cap limits the whole session, so techniques must be ["all"]')
    elif e.has("cap_basis"):
        e.fail("cap_basis is only allowed with pressure_cap")

    exclude = e.texts("exclude", (), allowed=techniques)
    if stray := [t for t in exclude if t not in affected]:
        e.fail(f"exclude lists '{stray[0]}', which is not among the affected techniques")
    when = e.table("when") if e.has("when") else None
    if group == "derived" and when is None:
        e.fail("a derived rule needs a 'when' trigger")
    if group != "derived" and when is not None:
        e.fail("only derived rules take a 'when' trigger")

    confidence = _confidence(e)
    cited = _evidence_ids(e, evidence)
    source_note = e.text("source_note", "")
    if not cited and (confidence is not Confidence.UNVERIFIED or not source_note):
        e.fail("a rule without evidence must have confidence 'U' and a source_note")

    rule = Rule(
        slug=slug,
        group=group,
        label=e.text("label"),
        action=action,
        techniques=affected,
        detail=e.text("detail"),
        evidence=cited,
        confidence=confidence,
        pressure_cap=cap,
        cap_basis=cap_basis,
        positioning=e.texts("positioning", ()),
        allowed_positions=e.texts("allowed_positions", (), allowed=POSITIONS),
        avoid_areas=e.texts("avoid_areas", ()),
        no_oils=e.flag("no_oils", False),
        avoid_oils=e.texts("avoid_oils", ()),
        exclude=exclude,
        source_note=source_note,
        when=None if when is None else _parse_trigger(when),
    )
    e.done()
    return rule


def _parse_rules(
    doc: Entry, techniques: Mapping[str, Technique], evidence: Mapping[str, Evidence]
) -> dict[str, Rule]:
    result: dict[str, Rule] = {}
    for group, kind in RULE_GROUPS:
        for slug, e in keyed_tables(doc, group, kind):
            if slug in result:
                e.fail(f"id is already used by the {result[slug].group} '{slug}'")
            result[slug] = _parse_rule(slug, group, e, techniques, evidence)
    if not any(r.group == "condition" for r in result.values()):
        doc.fail("must define at least one condition")
    return result


def _precaution(e: Entry, rules: Mapping[str, Rule]) -> str | None:
    slug = e.text("precaution", "") or None
    if slug is not None and (slug not in rules or rules[slug].group != "precaution"):
        e.fail(f"precaution cites unknown precaution '{slug}'")
    return slug


def _parse_symptoms(
    doc: Entry,
    techniques: Mapping[str, Technique],
    evidence: Mapping[str, Evidence],
    regions: Mapping[str, Region],
    rules: Mapping[str, Rule],
) -> dict[str, Symptom]:
    result: dict[str, Symptom] = {}
    for slug, e in keyed_tables(doc, "symptom", "symptom"):
        result[slug] = Symptom(
            slug=slug,
            label=e.text("label"),
            is_pain=e.flag("is_pain"),
            regions=e.texts("regions", (), allowed=regions),
            favours=_parse_favours(e, techniques, evidence),
            precaution=_precaution(e, rules),
        )
        e.done()
    _require_some(doc, result, "symptom")
    return result


def _parse_goals(
    doc: Entry,
    techniques: Mapping[str, Technique],
    evidence: Mapping[str, Evidence],
    rules: Mapping[str, Rule],
) -> dict[str, Goal]:
    result: dict[str, Goal] = {}
    for slug, e in keyed_tables(doc, "goal", "goal"):
        result[slug] = Goal(
            slug=slug,
            label=e.text("label"),
            description=e.text("description"),
            evidence=_evidence_ids(e, evidence),
            favours=_parse_favours(e, techniques, evidence),
            precaution=_precaution(e, rules),
        )
        e.done()
    _require_some(doc, result, "goal")
    return result


def _parse_red_flags(
    doc: Entry, evidence: Mapping[str, Evidence], rules: Mapping[str, Rule]
) -> dict[str, RedFlag]:
    conditions = [slug for slug, r in rules.items() if r.group == "condition"]
    result: dict[str, RedFlag] = {}
    for slug, e in keyed_tables(doc, "red_flag", "red flag"):
        flag = RedFlag(
            slug=slug,
            label=e.text("label"),
            urgency=e.choice("urgency", ("emergency", "urgent", "soon")),
            detail=e.text("detail"),
            evidence=_evidence_ids(e, evidence),
            confidence=_confidence(e),
            implied_by_conditions=e.texts("implied_by_conditions", (), allowed=conditions),
        )
        if not flag.evidence and flag.confidence is not Confidence.UNVERIFIED:
            e.fail("a red flag without evidence must have confidence 'U'")
        if slug in rules:
            e.fail(f"id is already used by the {rules[slug].group} '{slug}'")
        e.done()
        result[slug] = flag
    _require_some(doc, result, "red flag")
    return result


# --- measures and programmes ------------------------------------------------------------------

_SHIPPED_ONLY = ("recall", "range", "direction", "scoring", "when_to_use", "mcid", "items")


def _parse_mcid(e: Entry, evidence: Mapping[str, Evidence]) -> Mcid:
    mcid = Mcid(
        points=e.optional_integer("points", 1, 100),
        percent=e.optional_integer("percent", 1, 100),
        established=e.flag("established"),
        basis=Basis(e.choice("basis", tuple(b.value for b in Basis))),
        evidence=_evidence_ids(e, evidence),
        confidence=_confidence(e),
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


def _parse_measures(doc: Entry, evidence: Mapping[str, Evidence]) -> dict[str, Measure]:
    result: dict[str, Measure] = {}
    for slug, e in keyed_tables(doc, "measure", "measure"):
        shipped = e.flag("shipped")
        common = {
            "slug": slug,
            "name": e.text("name"),
            "construct": e.text("construct"),
            "shipped": shipped,
            "licence": e.text("licence"),
            "evidence": _evidence_ids(e, evidence),
            "confidence": _confidence(e),
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
    _require_some(doc, result, "measure")
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
        evidence=_evidence_ids(e, evidence),
        maintenance=e.flag("maintenance", False),
    )
    if (phase.every_days == 0) != (phase.sessions == 1):
        e.fail("every_days must be 0 exactly when the phase is a single session")
    e.done()
    return phase


def _parse_protocols(
    doc: Entry,
    evidence: Mapping[str, Evidence],
    symptoms: Mapping[str, Symptom],
    regions: Mapping[str, Region],
    goals: Mapping[str, Goal],
    measures: Mapping[str, Measure],
) -> dict[str, Protocol]:
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


def _parse_questions(
    doc: Entry, techniques: Mapping[str, Technique], rules: Mapping[str, Rule]
) -> Questions:
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
