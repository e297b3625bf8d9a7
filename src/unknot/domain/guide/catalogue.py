"""Catalogue data model: the typed, immutable form of the TOML files in ``data/``.

Load it with :func:`unknot.domain.guide.loader.load_catalogue`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Confidence(StrEnum):
    """How well a source or rule is verified (see evidence.md).

    U items must never be shown to users as fact.
    """

    VERIFIED = "V"
    PARTLY = "P"
    UNVERIFIED = "U"


class Action(StrEnum):
    """What a health rule asks for, from most to least restrictive."""

    REFER = "refer"
    POSTPONE = "postpone"
    CLEARANCE = "clearance"
    MODIFY = "modify"


class Basis(StrEnum):
    """What a statement rests on."""

    EVIDENCE = "evidence"
    PRACTICE = "practice convention"


PRESSURE_LEVELS = range(1, 6)
"""Walton pressure scale levels: 1 light lotioning ... 5 deepest."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """One source: a guide footnote (``kind == "guide-reference"``) or a study/guidance item."""

    id: str
    kind: str
    title: str
    confidence: Confidence
    title_is_description: bool = False
    authors: str = ""
    outlet: str = ""
    year: int | None = None
    studied: str = ""
    design: str = ""
    n: int | None = None
    protocol: str = ""
    result: str = ""
    durability: str = ""
    confidence_note: str = ""
    seed: tuple[int, ...] = ()
    number: int | None = None
    identification: str = ""
    identifies: tuple[str, ...] = ()
    url: str = ""


@dataclass(frozen=True, slots=True)
class Technique:
    """A massage technique from the guide."""

    slug: str
    name: str
    purpose: str
    pressure_range: tuple[int, int]
    clothing: str
    positions: tuple[str, ...]
    uses_oils: bool
    essential_oils: bool
    joint_movement: bool
    stretching: bool
    origin: str
    summary: str
    what_to_expect: str
    possible_discomfort: str
    what_to_wear: str
    evidence: tuple[str, ...]

    @property
    def pressure_min(self) -> int:
        """Lowest usual Walton level; below it the technique is no longer itself."""
        return self.pressure_range[0]

    @property
    def pressure_max(self) -> int:
        """Highest usual Walton level."""
        return self.pressure_range[1]


@dataclass(frozen=True, slots=True)
class Favour:
    """A reason why a symptom, region or goal favours a technique, with a ranking weight."""

    technique: str
    weight: int
    text: str
    evidence: tuple[str, ...]

    @property
    def basis(self) -> Basis:
        """Evidence when ids are cited, otherwise practice convention."""
        return Basis.EVIDENCE if self.evidence else Basis.PRACTICE


@dataclass(frozen=True, slots=True)
class Region:
    """A region of the back map; ``order`` runs top to bottom."""

    slug: str
    label: str
    short_label: str
    order: int
    description: str
    favours: tuple[Favour, ...]


@dataclass(frozen=True, slots=True)
class Symptom:
    """A symptom a client can report."""

    slug: str
    label: str
    is_pain: bool
    regions: tuple[str, ...]
    favours: tuple[Favour, ...]
    precaution: str | None


@dataclass(frozen=True, slots=True)
class Goal:
    """A benefit from the guide that a client can choose as a goal."""

    slug: str
    label: str
    description: str
    evidence: tuple[str, ...]
    favours: tuple[Favour, ...]
    precaution: str | None


@dataclass(frozen=True, slots=True)
class Trigger:
    """When a derived rule applies: a health field is true, or an int within [min, max]."""

    field: str
    min: int | None = None
    max: int | None = None

    def matches(self, value: bool | int | None) -> bool:
        """Return True when ``value`` (the intake's health field) triggers the rule."""
        if value is None or value is False:
            return False
        if value is True:
            return True
        low_ok = self.min is None or value >= self.min
        high_ok = self.max is None or value <= self.max
        return low_ok and high_ok


@dataclass(frozen=True, slots=True)
class Rule:
    """A health screening rule (condition, derived rule or precaution).

    ``techniques`` is already expanded: ``"all"`` in the data becomes every technique slug.
    """

    slug: str
    group: str
    label: str
    action: Action
    techniques: tuple[str, ...]
    detail: str
    evidence: tuple[str, ...]
    confidence: Confidence
    pressure_cap: int | None = None
    cap_basis: Basis | None = None
    positioning: tuple[str, ...] = ()
    allowed_positions: tuple[str, ...] = ()
    avoid_areas: tuple[str, ...] = ()
    no_oils: bool = False
    avoid_oils: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    source_note: str = ""
    when: Trigger | None = None
    also: tuple[Trigger, ...] = ()
    no_stretching: bool = False
    screen_group: str = ""
    local: bool = False
    clearance_from: str = "your doctor"
    session_notes: tuple[str, ...] = ()

    @property
    def adapts(self) -> bool:
        """True when the rule changes the session itself (cap, exclusions, areas, stretching)."""
        return bool(
            self.pressure_cap is not None
            or self.exclude
            or self.avoid_areas
            or self.no_stretching
            or self.allowed_positions
        )

    def triggers(self) -> tuple[Trigger, ...]:
        """Every trigger of a derived rule; all of them must match."""
        return () if self.when is None else (self.when, *self.also)


@dataclass(frozen=True, slots=True)
class ScreenGroup:
    """A group of health questions asked together on the form, with its own "none of these"."""

    slug: str
    label: str
    hint: str = ""


@dataclass(frozen=True, slots=True)
class RedFlag:
    """A red flag: any one means refer, with no recommendations.

    ``urgency`` is ``emergency`` (now), ``today`` or ``soon`` (before booking).
    """

    slug: str
    label: str
    urgency: str
    detail: str
    evidence: tuple[str, ...]
    confidence: Confidence
    implied_by_conditions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Mcid:
    """Minimal clinically important change; ``established=False`` marks our own threshold."""

    points: int | None
    percent: int | None
    established: bool
    basis: Basis
    evidence: tuple[str, ...]
    confidence: Confidence


@dataclass(frozen=True, slots=True)
class MeasureItem:
    """One question of a shipped outcome measure."""

    id: str
    text: str
    low_anchor: str
    high_anchor: str


@dataclass(frozen=True, slots=True)
class Measure:
    """An outcome measure; only ``shipped`` ones have items, range and scoring."""

    slug: str
    name: str
    construct: str
    shipped: bool
    licence: str
    evidence: tuple[str, ...]
    confidence: Confidence
    recall: str = ""
    range: tuple[int, int] | None = None
    direction: str = ""
    scoring: str = ""
    when_to_use: str = ""
    mcid: Mcid | None = None
    items: tuple[MeasureItem, ...] = ()


@dataclass(frozen=True, slots=True)
class PhaseTemplate:
    """One phase of a programme template."""

    name: str
    sessions: int
    every_days: int
    session_minutes: int
    rationale: str
    evidence: tuple[str, ...]
    maintenance: bool = False


@dataclass(frozen=True, slots=True)
class ProtocolClause:
    """One way a protocol can apply; every field that is set must match."""

    any_symptom: tuple[str, ...] = ()
    any_region: tuple[str, ...] = ()
    any_goal: tuple[str, ...] = ()
    min_duration_weeks: int | None = None
    min_intensity: int | None = None


@dataclass(frozen=True, slots=True)
class Protocol:
    """A programme template for one goal; lower ``priority`` wins when several apply."""

    slug: str
    label: str
    priority: int
    fallback: bool
    when: tuple[ProtocolClause, ...]
    phases: tuple[PhaseTemplate, ...]
    remeasure_after_sessions: tuple[int, ...]
    notes: tuple[str, ...]
    measures: tuple[str, ...]
    safety_notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Questions:
    """Questions to ask the therapist: general, per technique and per rule slug."""

    general: tuple[str, ...]
    by_technique: Mapping[str, tuple[str, ...]]
    by_rule: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Catalogue:
    """The whole validated catalogue. Mappings keep the data files' order."""

    version: str
    file_versions: Mapping[str, str]
    evidence: Mapping[str, Evidence]
    techniques: Mapping[str, Technique]
    regions: Mapping[str, Region]
    symptoms: Mapping[str, Symptom]
    goals: Mapping[str, Goal]
    rules: Mapping[str, Rule]
    red_flags: Mapping[str, RedFlag]
    measures: Mapping[str, Measure]
    protocols: Mapping[str, Protocol]
    questions: Questions
    screen_groups: Mapping[str, ScreenGroup] = field(default_factory=dict)

    @property
    def conditions(self) -> Mapping[str, Rule]:
        """Rules a client can tick on the health form (group ``condition``), in file order."""
        return {slug: r for slug, r in self.rules.items() if r.group == "condition"}

    def only_unverified(self, ids: Iterable[str]) -> bool:
        """Return True when ``ids`` is non-empty and every cited source has confidence U."""
        cited = list(ids)
        return bool(cited) and all(
            self.evidence[i].confidence is Confidence.UNVERIFIED for i in cited
        )
