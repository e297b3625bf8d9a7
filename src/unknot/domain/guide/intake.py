"""The intake: what a client tells us, validated against the catalogue.

The JSON contract (API and CLI send exactly this dict; every key is optional)::

    {"symptoms": [slug], "regions": [slug],
     "pain": {"intensity": 0-10, "duration_weeks": int >= 0},
     "goals": [slug],
     "preferences": {"focus": "relax"|"treat"|"either", "pressure_tolerance": 1-5,
                     "stay_clothed": bool, "scents": "yes"|"no"|"unsure"},
     "health": {"conditions": [slug], "anticoagulants": bool, "pregnancy_weeks": int|null,
                "recent_surgery_weeks": int|null, "red_flags": [slug], "age": int|null,
                "none_apply": bool, "sites": {condition slug: [site slug]}}}

``none_apply`` is the client's explicit "none of these apply". Entry points that take a new
intake (the API, the command line, the assessment pages) call ``parse_intake`` with
``require_health=True``: an intake with no health section, or one that answers nothing and
does not say "none of these apply", is refused rather than taken as healthy.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from .catalogue import Catalogue
from .errors import FieldProblem, IntakeError
from .loader import load_catalogue

MAX_DURATION_WEEKS = 5200
PREGNANCY_WEEKS = (1, 42)
SURGERY_WEEKS = (0, 52)
AGE_YEARS = (0, 120)
SITES = {
    "left-arm": "left arm",
    "right-arm": "right arm",
    "left-leg": "left leg",
    "right-leg": "right leg",
    "head-neck": "head or neck",
    "chest": "chest",
    "abdomen": "belly (abdomen)",
    "upper-back": "upper back",
    "lower-back": "lower back",
    "other": "somewhere else (tell your therapist)",
}
"""Where a local condition is: the ``health.sites`` values, with their words."""
HEALTH_REQUIRED = (
    "is required: answer the health questions, or say that none of them apply "
    '("none_apply": true). An assessment without health answers cannot be taken as healthy'
)


class Focus(StrEnum):
    """What the client wants from a session."""

    RELAX = "relax"
    TREAT = "treat"
    EITHER = "either"


class Scents(StrEnum):
    """Whether the client wants scented oils."""

    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


@dataclass(frozen=True, slots=True)
class Pain:
    """Current pain: intensity 0-10 and how many weeks it has lasted."""

    intensity: int = 0
    duration_weeks: int = 0


@dataclass(frozen=True, slots=True)
class Preferences:
    """Client preferences; they can exclude techniques but never loosen safety rules."""

    focus: Focus = Focus.EITHER
    pressure_tolerance: int = 3
    stay_clothed: bool = False
    scents: Scents = Scents.UNSURE


@dataclass(frozen=True, slots=True)
class Health:
    """Health screening answers."""

    conditions: tuple[str, ...] = ()
    anticoagulants: bool = False
    pregnancy_weeks: int | None = None
    recent_surgery_weeks: int | None = None
    red_flags: tuple[str, ...] = ()
    age: int | None = None
    none_apply: bool = False
    sites: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def answered(self) -> bool:
        """True when a health question is answered with something that applies.

        The age alone is not a health answer, and warning signs (``red_flags``) are their own
        question: "none of these apply" covers the health questions only.
        """
        return bool(
            self.conditions
            or self.anticoagulants
            or self.pregnancy_weeks is not None
            or self.recent_surgery_weeks is not None
        )

    def sites_of(self, condition: str) -> tuple[str, ...]:
        """The sites given for ``condition`` (empty when none were given)."""
        return dict(self.sites).get(condition, ())


@dataclass(frozen=True, slots=True)
class Intake:
    """A validated intake. Build it with :func:`parse_intake`."""

    symptoms: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    pain: Pain = field(default_factory=Pain)
    goals: tuple[str, ...] = ()
    preferences: Preferences = field(default_factory=Preferences)
    health: Health = field(default_factory=Health)

    def to_dict(self) -> dict[str, object]:
        """Return the full JSON contract dict, defaults filled in.

        ``parse_intake(intake.to_dict()) == intake`` always holds.
        """
        return {
            "symptoms": list(self.symptoms),
            "regions": list(self.regions),
            "pain": {
                "intensity": self.pain.intensity,
                "duration_weeks": self.pain.duration_weeks,
            },
            "goals": list(self.goals),
            "preferences": {
                "focus": self.preferences.focus.value,
                "pressure_tolerance": self.preferences.pressure_tolerance,
                "stay_clothed": self.preferences.stay_clothed,
                "scents": self.preferences.scents.value,
            },
            "health": {
                "conditions": list(self.health.conditions),
                "anticoagulants": self.health.anticoagulants,
                "pregnancy_weeks": self.health.pregnancy_weeks,
                "recent_surgery_weeks": self.health.recent_surgery_weeks,
                "red_flags": list(self.health.red_flags),
                "age": self.health.age,
                "none_apply": self.health.none_apply,
                "sites": {slug: list(where) for slug, where in self.health.sites},
            },
        }


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string"}.get(
        type(value), "a list" if isinstance(value, list | tuple) else "an object"
    )


class _Checker:
    """Collects every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[FieldProblem] = []

    def add(self, path: str, message: str, valid: Collection[str] | None = None) -> None:
        self.problems.append(FieldProblem(path, message, None if valid is None else tuple(valid)))

    def obj(self, path: str, value: object, keys: Collection[str]) -> Mapping[str, object]:
        """Return the mapping (or {} after reporting), reporting unknown keys."""
        if not isinstance(value, Mapping):
            self.add(path, f"must be an object, not {_type_name(value)}")
            return {}
        for key in value:
            if key not in keys:
                where = f"{path}.{key}" if path != "intake" else str(key)
                self.add(where, "unknown field", sorted(keys))
        return value

    def integer(self, path: str, value: object, low: int, high: int) -> int | None:
        if type(value) is not int:
            self.add(path, f"must be a whole number, not {_type_name(value)}")
            return None
        if not low <= value <= high:
            self.add(path, f"must be between {low} and {high}")
            return None
        return value

    def boolean(self, path: str, value: object) -> bool | None:
        if not isinstance(value, bool):
            self.add(path, f"must be true or false, not {_type_name(value)}")
            return None
        return value

    def choice(self, path: str, value: object, valid: Collection[str]) -> str | None:
        if not isinstance(value, str) or value not in valid:
            self.add(path, "unknown value" if isinstance(value, str) else "must be a string", valid)
            return None
        return value

    def slugs(self, path: str, value: object, valid: Collection[str]) -> tuple[str, ...]:
        if not isinstance(value, list | tuple):
            self.add(path, f"must be a list, not {_type_name(value)}")
            return ()
        seen: dict[str, int] = {}
        result: list[str] = []
        for index, item in enumerate(value):
            where = f"{path}[{index}]"
            if not isinstance(item, str):
                self.add(where, f"must be a string, not {_type_name(item)}", valid)
            elif item not in valid:
                self.add(where, f"unknown value '{item}'", valid)
            elif item in seen:
                self.add(where, f"duplicate of {path}[{seen[item]}]")
            else:
                seen[item] = index
                result.append(item)
        return tuple(result)


_TOP = ("symptoms", "regions", "pain", "goals", "preferences", "health")
_PAIN = ("intensity", "duration_weeks")
_PREFS = ("focus", "pressure_tolerance", "stay_clothed", "scents")
_HEALTH = (
    "conditions",
    "anticoagulants",
    "pregnancy_weeks",
    "recent_surgery_weeks",
    "red_flags",
    "age",
    "none_apply",
    "sites",
)


def parse_intake(
    data: object, catalogue: Catalogue | None = None, *, require_health: bool = False
) -> Intake:
    """Validate ``data`` (the JSON contract dict) and return an :class:`Intake`.

    Omitted keys take defaults: empty lists, pain 0 for 0 weeks, focus "either", pressure
    tolerance 3, stay_clothed false, scents "unsure", no pregnancy or surgery. Nothing is
    coerced: a bool is not an int, a float is not an int, a string is not a list.

    With ``require_health`` (every entry point for a new intake) the health section must be
    there and must either answer something or say ``none_apply: true``. Stored intakes are
    read back without it, so an assessment saved before the rule existed still opens.

    Raises:
        IntakeError: carrying every problem found at once (unknown or duplicate slugs with
            the valid values, out-of-range numbers, wrong types, unknown keys).
    """
    cat = catalogue or load_catalogue()
    check = _Checker()
    top = check.obj("intake", data, _TOP)

    symptoms = check.slugs("symptoms", top.get("symptoms", []), cat.symptoms)
    regions = check.slugs("regions", top.get("regions", []), cat.regions)
    goals = check.slugs("goals", top.get("goals", []), cat.goals)

    pain_in = check.obj("pain", top.get("pain", {}), _PAIN)
    intensity = check.integer("pain.intensity", pain_in.get("intensity", 0), 0, 10)
    duration = check.integer(
        "pain.duration_weeks", pain_in.get("duration_weeks", 0), 0, MAX_DURATION_WEEKS
    )

    prefs_in = check.obj("preferences", top.get("preferences", {}), _PREFS)
    focus = check.choice(
        "preferences.focus", prefs_in.get("focus", "either"), [f.value for f in Focus]
    )
    tolerance = check.integer(
        "preferences.pressure_tolerance", prefs_in.get("pressure_tolerance", 3), 1, 5
    )
    clothed = check.boolean("preferences.stay_clothed", prefs_in.get("stay_clothed", False))
    scents = check.choice(
        "preferences.scents", prefs_in.get("scents", "unsure"), [s.value for s in Scents]
    )

    health_in = check.obj("health", top.get("health", {}), _HEALTH)
    conditions = check.slugs("health.conditions", health_in.get("conditions", []), cat.conditions)
    anticoagulants = check.boolean("health.anticoagulants", health_in.get("anticoagulants", False))
    pregnancy = _optional_int(check, "health.pregnancy_weeks", health_in, PREGNANCY_WEEKS)
    surgery = _optional_int(check, "health.recent_surgery_weeks", health_in, SURGERY_WEEKS)
    red_flags = check.slugs("health.red_flags", health_in.get("red_flags", []), cat.red_flags)
    age = _optional_int(check, "health.age", health_in, AGE_YEARS)
    none_apply = check.boolean("health.none_apply", health_in.get("none_apply", False))
    sites = _sites(check, health_in.get("sites", {}), conditions, cat)
    health = Health(
        conditions=conditions,
        anticoagulants=bool(anticoagulants),
        pregnancy_weeks=pregnancy,
        recent_surgery_weeks=surgery,
        red_flags=red_flags,
        age=age,
        none_apply=bool(none_apply),
        sites=sites,
    )
    if none_apply and health.answered:
        check.add(
            "health.none_apply",
            "cannot be true when health answers are given: either tick what applies or say "
            "none of them apply",
        )
    if require_health and "health" not in top and isinstance(data, Mapping):
        check.add("health", HEALTH_REQUIRED)
    elif (
        require_health
        and not (none_apply or health.answered or red_flags)
        and "health" in top
        and not any(p.field.startswith("health") for p in check.problems)
    ):
        check.add("health.none_apply", HEALTH_REQUIRED)

    # A high-risk pregnancy without its week count would skip the positioning rules that
    # start at 13 weeks, so the form must ask for it.
    if (
        "high-risk-pregnancy" in conditions
        and pregnancy is None
        and not any(p.field == "health.pregnancy_weeks" for p in check.problems)
    ):
        check.add("health.pregnancy_weeks", "is required when high-risk-pregnancy is listed")

    if check.problems:
        raise IntakeError(check.problems)
    assert intensity is not None and duration is not None and tolerance is not None
    assert focus is not None and scents is not None
    assert clothed is not None and anticoagulants is not None
    return Intake(
        symptoms=symptoms,
        regions=regions,
        pain=Pain(intensity=intensity, duration_weeks=duration),
        goals=goals,
        preferences=Preferences(
            focus=Focus(focus),
            pressure_tolerance=tolerance,
            stay_clothed=clothed,
            scents=Scents(scents),
        ),
        health=health,
    )


def _optional_int(
    check: _Checker, path: str, section: Mapping[str, object], bounds: tuple[int, int]
) -> int | None:
    value = section.get(path.rsplit(".", 1)[1])
    if value is None:
        return None
    return check.integer(path, value, *bounds)


def _sites(
    check: _Checker, value: object, conditions: tuple[str, ...], catalogue: Catalogue
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``{condition: [site]}`` for ticked local conditions, in the order they were ticked."""
    if not isinstance(value, Mapping):
        check.add("health.sites", f"must be an object, not {_type_name(value)}")
        return ()
    local = [c for c in conditions if catalogue.rules[c].local]
    found: dict[str, tuple[str, ...]] = {}
    for key, where in value.items():
        path = f"health.sites.{key}"
        if key not in local:
            check.add(path, "is not a ticked condition that has a site", local)
            continue
        slugs = check.slugs(path, where, SITES)
        if not slugs and isinstance(where, list | tuple) and not where:
            check.add(path, "must name at least one site", SITES)
        found[str(key)] = slugs
    return tuple((c, found[c]) for c in local if c in found)
