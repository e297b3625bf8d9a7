"""The shipped catalogue loads, is complete and consistent; broken files fail loudly."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from unknot.domain.guide import Basis, Catalogue, CatalogueError, Confidence, load_catalogue
from unknot.domain.guide.catalogue import Favour

SEVEN = ["swedish", "aromatherapy", "trigger-point", "myofascial-release", "shiatsu",
         "deep-tissue", "thai-yoga"]  # fmt: skip


def test_default_catalogue_is_cached(catalogue: Catalogue) -> None:
    assert load_catalogue() is catalogue


def test_versions_are_dated_and_match_the_manifest(catalogue: Catalogue) -> None:
    assert catalogue.version == "2026-12-02.1"
    assert set(catalogue.file_versions) == {
        "evidence", "techniques", "regions", "conditions", "symptoms", "goals", "red_flags",
        "measures", "programs", "questions",
    }  # fmt: skip


def test_exactly_the_seven_techniques_of_the_guide(catalogue: Catalogue) -> None:
    assert list(catalogue.techniques) == SEVEN


def test_technique_facts_from_the_guide(catalogue: Catalogue) -> None:
    t = catalogue.techniques
    assert {s for s, x in t.items() if x.clothing == "clothed"} == {"shiatsu", "thai-yoga"}
    assert {s for s, x in t.items() if x.essential_oils} == {"aromatherapy"}
    assert {"swedish", "deep-tissue", "myofascial-release"} <= {
        s for s, x in t.items() if x.uses_oils
    }
    assert t["thai-yoga"].joint_movement and t["thai-yoga"].stretching
    assert t["swedish"].purpose == t["aromatherapy"].purpose == "relaxation"
    assert t["trigger-point"].purpose == "therapeutic"
    assert "hurts so good" in t["trigger-point"].possible_discomfort
    assert "24-48 hours" in t["deep-tissue"].possible_discomfort
    assert t["deep-tissue"].pressure_min >= 4
    for technique in t.values():
        assert 1 <= technique.pressure_min <= technique.pressure_max <= 5


def test_required_vocabularies_are_present(catalogue: Catalogue) -> None:
    assert {
        "tight-back", "stiffness", "low-back-pain", "between-shoulder-blades-pain",
        "neck-shoulder-tension", "stress", "sciatica-like-leg-pain",
    } <= set(catalogue.symptoms)  # fmt: skip
    assert list(catalogue.regions) == [
        "neck", "shoulders", "upper-back", "between-shoulder-blades", "mid-back",
        "lower-back", "hips",
    ]  # fmt: skip
    assert [r.order for r in catalogue.regions.values()] == sorted(
        r.order for r in catalogue.regions.values()
    )
    assert all(len(r.short_label) <= 16 for r in catalogue.regions.values())
    assert set(catalogue.goals) == {
        "back-pain-relief", "relaxation", "stress-relief", "mood", "blood-pressure",
        "circulation", "sleep", "sports-recovery", "surgery-recovery", "chronic-pain",
        "joint-mobility",
    }  # fmt: skip
    assert {
        "fever", "dvt", "bleeding-disorder", "osteoporosis", "recent-fracture", "cancer",
        "skin-infection", "varicose-veins", "asthma", "fragrance-allergy", "heart-condition",
        "diabetes", "eczema-psoriasis", "phlebitis", "history-of-abuse", "undiagnosed-lump",
        "high-risk-pregnancy",
    } <= set(catalogue.conditions)  # fmt: skip
    assert {
        "saddle-numbness", "bladder-bowel-change", "unexplained-weight-loss",
        "fever-with-back-pain", "history-of-cancer", "major-trauma", "progressive-leg-weakness",
        "night-pain-unrelieved-by-rest",
    } <= set(catalogue.red_flags)  # fmt: skip
    assert {"anticoagulants", "pregnancy", "pregnancy-from-13-weeks",
            "recent-surgery-under-6-weeks"} <= set(catalogue.rules)  # fmt: skip


def test_guide_references_and_key_studies(catalogue: Catalogue) -> None:
    guide_refs = {e.number: e for e in catalogue.evidence.values() if e.kind == "guide-reference"}
    assert sorted(guide_refs) == list(range(1, 18))
    assert all(ref.id == f"guide-{n}" for n, ref in guide_refs.items())
    for study in ["cherkin-2011", "furlan-2015", "moyer-2004", "sherman-2014", "cook-2015",
                  "perlman-2006", "perlman-2012", "perlman-2019", "rapaport-2016",
                  "engen-2012", "givi-2013", "franklin-2014", "crane-2012", "mitchinson-2007",
                  "hsu-2019", "field-2002", "hou-2010", "wiest-2015"]:  # fmt: skip
        assert study in catalogue.evidence
    cherkin = catalogue.evidence["cherkin-2011"]
    assert (cherkin.n, cherkin.year, cherkin.seed) == (401, 2011, (1, 9))
    # Unidentified or guessed seed references stay tagged U (never shown as fact).
    for number in (2, 3, 4, 15, 16):
        assert guide_refs[number].confidence is Confidence.UNVERIFIED


def _cited_ids(catalogue: Catalogue) -> Iterator[tuple[str, str]]:
    def favours(owner: str, items: tuple[Favour, ...]) -> Iterator[tuple[str, str]]:
        for f in items:
            yield from ((owner, i) for i in f.evidence)

    for e in catalogue.evidence.values():
        yield from ((e.id, i) for i in e.identifies)
    for t in catalogue.techniques.values():
        yield from ((t.slug, i) for i in t.evidence)
    for s in catalogue.symptoms.values():
        yield from favours(s.slug, s.favours)
    for r in catalogue.regions.values():
        yield from favours(r.slug, r.favours)
    for g in catalogue.goals.values():
        yield from ((g.slug, i) for i in g.evidence)
        yield from favours(g.slug, g.favours)
    for rule in catalogue.rules.values():
        yield from ((rule.slug, i) for i in rule.evidence)
    for flag in catalogue.red_flags.values():
        yield from ((flag.slug, i) for i in flag.evidence)
    for m in catalogue.measures.values():
        yield from ((m.slug, i) for i in m.evidence)
        if m.mcid:
            yield from ((m.slug, i) for i in m.mcid.evidence)
    for p in catalogue.protocols.values():
        for phase in p.phases:
            yield from ((p.slug, i) for i in phase.evidence)


def test_every_cross_reference_resolves(catalogue: Catalogue) -> None:
    cited = list(_cited_ids(catalogue))
    assert len(cited) > 100
    assert [c for c in cited if c[1] not in catalogue.evidence] == []
    techniques = set(catalogue.techniques)
    for rule in catalogue.rules.values():
        assert set(rule.techniques) <= techniques and set(rule.exclude) <= set(rule.techniques)
    for owner in [*catalogue.symptoms.values(), *catalogue.goals.values()]:
        assert {f.technique for f in owner.favours} <= techniques
        if owner.precaution:
            assert catalogue.rules[owner.precaution].group == "precaution"
    for symptom in catalogue.symptoms.values():
        assert set(symptom.regions) <= set(catalogue.regions)
    for flag in catalogue.red_flags.values():
        assert set(flag.implied_by_conditions) <= set(catalogue.conditions)
    assert set(catalogue.questions.by_technique) <= techniques
    assert set(catalogue.questions.by_rule) <= set(catalogue.rules)
    for protocol in catalogue.protocols.values():
        assert all(catalogue.measures[m].shipped for m in protocol.measures)
    every_goal = {g for p in catalogue.protocols.values() for c in p.when for g in c.any_goal}
    assert every_goal == set(catalogue.goals)


def test_design_default_caps_are_marked_practice_convention(catalogue: Catalogue) -> None:
    rules = catalogue.rules
    for slug in ("anticoagulants", "bleeding-disorder", "osteoporosis", "recent-fracture"):
        assert rules[slug].pressure_cap == 2
        assert rules[slug].cap_basis is Basis.PRACTICE
    # Walton's text itself gives the cancer levels.
    assert rules["cancer"].cap_basis is Basis.EVIDENCE
    assert rules["bone-metastases"].pressure_cap == 1
    assert set(rules["anticoagulants"].exclude) == {"deep-tissue", "trigger-point"}
    assert set(rules["anticoagulants"].avoid_oils) == {"wintergreen", "sweet birch"}


def test_rules_without_evidence_are_unverified(catalogue: Catalogue) -> None:
    for rule in catalogue.rules.values():
        if not rule.evidence:
            assert rule.confidence is Confidence.UNVERIFIED and rule.source_note
    for flag in catalogue.red_flags.values():
        if not flag.evidence:
            assert flag.confidence is Confidence.UNVERIFIED


def test_outcome_measures(catalogue: Catalogue) -> None:
    measures = catalogue.measures
    shipped = {s for s, m in measures.items() if m.shipped}
    assert shipped == {"pain-nrs", "stress-nrs", "sleep-nrs", "stiffness-nrs"}
    pain = measures["pain-nrs"]
    assert pain.range == (0, 10) and pain.direction == "lower-is-better"
    assert pain.mcid is not None
    assert (pain.mcid.points, pain.mcid.percent, pain.mcid.confidence) == (2, 30, Confidence("V"))
    assert measures["sleep-nrs"].direction == "higher-is-better"
    for slug in ("stress-nrs", "sleep-nrs", "stiffness-nrs"):
        mcid = measures[slug].mcid
        assert mcid is not None and not mcid.established
        assert mcid.basis is Basis.PRACTICE and mcid.confidence is Confidence.UNVERIFIED
    for slug in shipped:
        assert "free to use" in measures[slug].licence.lower() and measures[slug].items
    for licensed in ("odi", "rmdq", "pss", "psqi", "promis"):
        assert not measures[licensed].shipped and not measures[licensed].items


BROKEN = [
    pytest.param(
        "techniques.toml",
        "pressure_range = [1, 3]",
        "pressure_range = [0, 3]",
        "techniques.toml: technique 'swedish': pressure_range must be two integers 1..5",
        id="pressure-range",
    ),
    pytest.param(
        "techniques.toml",
        'clothing = "draped"',
        'clothing = "naked"',
        "techniques.toml: technique 'swedish': clothing must be one of",
        id="clothing",
    ),
    pytest.param(
        "techniques.toml",
        'purpose = "relaxation"',
        'purpose = "relaxation"\npresure = 3',
        "techniques.toml: technique 'swedish': unknown key(s) 'presure'",
        id="typo-key",
    ),
    pytest.param(
        "symptoms.toml",
        '"cherkin-2011"',
        '"cherkin-2099"',
        "symptoms.toml: symptom 'low-back-pain' favours 1: evidence cites unknown evidence id "
        "'cherkin-2099'",
        id="unknown-evidence",
    ),
    pytest.param(
        "conditions.toml",
        'exclude = ["deep-tissue", "trigger-point", "thai-yoga"]',
        'exclude = ["deep-tissue", "reiki"]',
        "conditions.toml: condition 'osteoporosis': exclude has unknown value 'reiki'",
        id="unknown-technique-in-rule",
    ),
    pytest.param(
        "conditions.toml",
        'cap_basis = "practice convention"\nexclude = ["deep-tissue", '
        '"trigger-point"]\ndetail = "Only light',
        'exclude = ["deep-tissue", "trigger-point"]\ndetail = "Only light',
        "conditions.toml: condition 'bleeding-disorder': missing required key 'cap_basis'",
        id="cap-without-basis",
    ),
    pytest.param(
        "conditions.toml",
        'action = "postpone"',
        'action = "ignore"',
        "conditions.toml: condition 'fever': action must be one of",
        id="bad-action",
    ),
    pytest.param(
        "conditions.toml",
        'evidence = []\nsource_note = "Not sourced: treated as needing '
        'clearance and light pressure rather than as safe."\nconfidence = "U"',
        'evidence = []\nconfidence = "V"',
        "conditions.toml: condition 'lymphoedema': a rule without evidence must have confidence",
        id="unsourced-rule-claims-verified",
    ),
    pytest.param(
        "goals.toml",
        'precaution = "surgical-clearance"',
        'precaution = "fever"',
        "goals.toml: goal 'surgery-recovery': precaution cites unknown precaution 'fever'",
        id="goal-precaution",
    ),
    pytest.param(
        "red_flags.toml",
        'implied_by_conditions = ["fever"]',
        'implied_by_conditions = ["flu"]',
        "red_flags.toml: red flag 'fever-with-back-pain': implied_by_conditions has unknown "
        "value 'flu'",
        id="red-flag-condition",
    ),
    pytest.param(
        "evidence.toml",
        "number = 17",
        "number = 16",
        "evidence.toml: evidence 'guide-17': a guide reference with number 16 must have id",
        id="guide-number",
    ),
    pytest.param(
        "evidence.toml",
        "seed = [1, 9]",
        "seed = [9]",
        "evidence.toml: evidence 'guide-1': identifies 'cherkin-2011', but 'cherkin-2011' does "
        "not list seed 1",
        id="seed-consistency",
    ),
    pytest.param(
        "evidence.toml",
        'identifies = ["mitchinson-2007", "boyd-2016-surgical"]',
        'identifies = ["mitchinson-2077", "boyd-2016-surgical"]',
        "evidence.toml: evidence 'guide-3': identifies cites unknown study 'mitchinson-2077'",
        id="identifies-unknown",
    ),
    pytest.param(
        "measures.toml",
        'licence = "Free to use: a generic',
        'licence = "Licensed: a generic',
        "measures.toml: measure 'pain-nrs': a shipped measure's licence must state it is free",
        id="shipped-licensed-measure",
    ),
    pytest.param(
        "measures.toml",
        'established = false, basis = "practice convention"',
        'established = false, basis = "evidence"',
        "measures.toml: measure 'stress-nrs' mcid: an evidence-based threshold must be",
        id="mcid-basis",
    ),
    pytest.param(
        "programs.toml",
        "maintenance = true",
        "maintenance = false",
        "programs.toml: protocol 'surgery-recovery': must end with exactly one maintenance phase",
        id="no-maintenance",
    ),
    pytest.param(
        "programs.toml",
        "remeasure_after_sessions = [2, 4, 6]",
        "remeasure_after_sessions = [2, 4, 60]",
        "programs.toml: protocol 'surgery-recovery': remeasure_after_sessions must be ascending",
        id="remeasure-beyond-programme",
    ),
    pytest.param(
        "programs.toml",
        'any_goal = ["joint-mobility"]',
        'any_goal = ["mood"]',
        "programs.toml: goal 'joint-mobility' has no protocol",
        id="goal-without-protocol",
    ),
    pytest.param(
        "questions.toml",
        "asthma = [",
        "asthmaa = [",
        "questions.toml: rule: unknown rule 'asthmaa'",
        id="question-rule",
    ),
    pytest.param(
        "regions.toml",
        'version = "2026-12-02.1"',
        'version = "2026-11-24.1"',
        "regions.toml: version '2026-12-02.1' expected by catalogue.toml, found '2026-11-24.1'",
        id="version-mismatch",
    ),
    pytest.param(
        "catalogue.toml",
        'version = "2026-12-02.1"\n\n',
        'version = "2026-13-40.1"\n\n',
        "catalogue.toml: version '2026-13-40.1' must look like YYYY-MM-DD.N with a real date",
        id="bad-version",
    ),
    pytest.param(
        "goals.toml",
        "[goal.relaxation]",
        "[goal.relaxation]\n[goal.relaxation]",
        "goals.toml: not valid TOML",
        id="invalid-toml",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "message"), BROKEN)
def test_broken_files_name_file_and_entry(
    break_file: Callable[[str, str, str], Path], file: str, old: str, new: str, message: str
) -> None:
    root = break_file(file, old, new)
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(root)
    assert str(raised.value).startswith(message)
    assert raised.value.file == file


def test_missing_file(data_copy: Path) -> None:
    (data_copy / "measures.toml").unlink()
    with pytest.raises(CatalogueError, match=r"^measures\.toml: file is missing$"):
        load_catalogue(data_copy)


def test_a_copy_of_the_data_loads_uncached_and_equal(data_copy: Path) -> None:
    fresh = load_catalogue(data_copy)
    assert fresh is not load_catalogue()
    assert fresh == load_catalogue()
