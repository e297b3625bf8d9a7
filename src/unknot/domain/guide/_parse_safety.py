"""Parse the health rules (conditions.toml) and red flags (red_flags.toml)."""

from __future__ import annotations

from collections.abc import Mapping

from ._fields import Entry, confidence_of, evidence_ids, keyed_tables, require_some
from ._parse_content import POSITIONS
from .catalogue import (
    Action,
    Basis,
    Confidence,
    Evidence,
    RedFlag,
    Rule,
    ScreenGroup,
    Technique,
    Trigger,
)

RULE_GROUPS = (
    ("condition", "condition"),
    ("derived", "derived rule"),
    ("precaution", "precaution"),
)
TRIGGER_FIELDS = (
    "anticoagulants",
    "pregnancy_weeks",
    "recent_surgery_weeks",
    "age",
    "back_pain_weeks",
    "back_pain_intensity",
)
"""Health answers a derived rule can test; ``back_pain_*`` are set only when there is back pain."""
URGENCIES = ("emergency", "today", "soon")


# --- rules, symptoms, goals, red flags -------------------------------------------------------


def _parse_trigger(e: Entry) -> Trigger:
    field = e.choice("field", TRIGGER_FIELDS)
    low = e.optional_integer("min", 0, 150)
    high = e.optional_integer("max", 0, 150)
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
    groups: Mapping[str, ScreenGroup],
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
    also = tuple(_parse_trigger(t) for t in e.tables("also")) if e.has("also") else ()
    if also and when is None:
        e.fail("'also' adds to a 'when' trigger")
    screen_group = e.choice("screen_group", tuple(groups), "") if e.has("screen_group") else ""
    if group == "condition" and not screen_group:
        e.fail("a condition needs a screen_group, so the health form can ask it in its group")
    if group != "condition" and screen_group:
        e.fail("only conditions are asked on the form, so only they take a screen_group")

    confidence = confidence_of(e)
    cited = evidence_ids(e, evidence)
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
        also=also,
        no_stretching=e.flag("no_stretching", False),
        screen_group=screen_group,
        local=e.flag("local", False),
        clearance_from=e.text("clearance_from", "your doctor"),
        session_notes=e.texts("session_notes", ()),
    )
    # A go-ahead is not an adaptation: a rule that asks for clearance also says how the
    # session is adapted, before and after the go-ahead (safety principle 1).
    if action is Action.CLEARANCE and not rule.adapts:
        e.fail(
            "a clearance rule must also adapt the session (pressure_cap, exclude, avoid_areas, "
            "no_stretching or allowed_positions); the adaptations hold after clearance too"
        )
    if rule.local and group != "condition":
        e.fail("only conditions can be local")
    e.done()
    return rule


def parse_screen_groups(doc: Entry) -> dict[str, ScreenGroup]:
    """The health form's question groups, in file order."""
    result = {}
    for slug, e in keyed_tables(doc, "screen_group", "screen group"):
        result[slug] = ScreenGroup(slug=slug, label=e.text("label"), hint=e.text("hint", ""))
        e.done()
    return result


def parse_rules(
    doc: Entry,
    techniques: Mapping[str, Technique],
    evidence: Mapping[str, Evidence],
    groups: Mapping[str, ScreenGroup] | None = None,
) -> dict[str, Rule]:
    """Return every condition, derived rule and precaution by slug (unique across groups)."""
    groups = parse_screen_groups(doc) if groups is None else groups
    result: dict[str, Rule] = {}
    for group, kind in RULE_GROUPS:
        for slug, e in keyed_tables(doc, group, kind):
            if slug in result:
                e.fail(f"id is already used by the {result[slug].group} '{slug}'")
            result[slug] = _parse_rule(slug, group, e, techniques, evidence, groups)
    if not any(r.group == "condition" for r in result.values()):
        doc.fail("must define at least one condition")
    return result


def parse_red_flags(
    doc: Entry, evidence: Mapping[str, Evidence], rules: Mapping[str, Rule]
) -> dict[str, RedFlag]:
    """Return red flags by slug; unsourced ones must be tagged U."""
    conditions = [slug for slug, r in rules.items() if r.group == "condition"]
    result: dict[str, RedFlag] = {}
    for slug, e in keyed_tables(doc, "red_flag", "red flag"):
        flag = RedFlag(
            slug=slug,
            label=e.text("label"),
            urgency=e.choice("urgency", URGENCIES),
            detail=e.text("detail"),
            evidence=evidence_ids(e, evidence),
            confidence=confidence_of(e),
            implied_by_conditions=e.texts("implied_by_conditions", (), allowed=conditions),
        )
        if not flag.evidence and flag.confidence is not Confidence.UNVERIFIED:
            e.fail("a red flag without evidence must have confidence 'U'")
        if slug in rules:
            e.fail(f"id is already used by the {rules[slug].group} '{slug}'")
        e.done()
        result[slug] = flag
    require_some(doc, result, "red flag")
    return result
