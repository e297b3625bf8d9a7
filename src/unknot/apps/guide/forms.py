"""The self-assessment's steps as forms.

Each step offers the catalogue's choices, but the values are checked by the guide core
(:func:`~unknot.domain.guide.parse_intake`), exactly as for the API and the CLI: every
:class:`~unknot.domain.guide.FieldProblem` is shown next to the field it concerns. The fields
themselves therefore accept anything and pass it on unchanged (a number that is not a number
stays a string, so the core can say so).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms

from unknot.common.forms import StyledFormMixin
from unknot.domain.guide import Catalogue, FieldProblem, IntakeError, load_catalogue, parse_intake


class SlugsField(forms.MultipleChoiceField):
    """Checkboxes from the catalogue; the guide core validates the ticked values."""

    def validate(self, value) -> None:
        return None


class OptionField(forms.ChoiceField):
    """Radio buttons; the guide core validates the chosen value."""

    def validate(self, value) -> None:
        return None


class NumberField(forms.CharField):
    """A whole number typed by the visitor, passed to the core as an int when it is one."""

    def __init__(self, *, low: int, high: int, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", forms.NumberInput(attrs={"min": low, "max": high, "inputmode": "numeric"})
        )
        super().__init__(**kwargs)


_INT = re.compile(r"[+-]?\d{1,9}")


def as_int(raw: str | None) -> int | str | None:
    """ "7" -> 7, "" -> None; anything else is passed on as typed for the core to reject."""
    text = (raw or "").strip()
    if not text:
        return None
    return int(text) if _INT.fullmatch(text) else text


def as_bool(raw: str | None) -> bool | str | None:
    """ "yes" -> True, "no" -> False, "" -> None; anything else is passed on as typed."""
    text = (raw or "").strip()
    return {"yes": True, "no": False, "": None}.get(text, text)


def yes_no(value: object) -> str:
    return "" if value is None else ("yes" if value is True else "no" if value is False else "")


def field_name(path: str) -> str:
    """The form field a problem path belongs to: ``health.conditions[1]`` -> ``conditions``."""
    return re.sub(r"\[\d+\]$", "", path).rsplit(".", 1)[-1]


def web_message(problem: FieldProblem) -> str:
    """The core's message in words for a form, shown next to the field."""
    text = problem.message
    if text.startswith("must be a whole number"):
        return "Please enter a whole number."
    if text.startswith("must be between"):
        return f"Please give a number {text.removeprefix('must be ')}."
    if text.startswith("unknown value"):
        return f"Please choose from the options shown ({text})."
    if text.startswith("duplicate"):
        return "Each option can be chosen only once."
    if text.startswith("must be true or false"):
        return "Please answer yes or no."
    if text.startswith("is required"):
        return f"Please fill this in: it {text}."
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


class StepForm(StyledFormMixin, forms.Form):
    """One step: turns its answers into a fragment of the intake and lets the core check it."""

    def __init__(self, *args, catalogue: Catalogue | None = None, **kwargs) -> None:
        self.catalogue = catalogue or load_catalogue()
        super().__init__(*args, **kwargs)
        self.set_choices()

    def set_choices(self) -> None:
        """Fill choice fields from the catalogue."""

    def fragment(self) -> dict[str, Any]:
        """The intake keys this step answers, from ``cleaned_data``."""
        raise NotImplementedError

    @classmethod
    def initial_from(cls, draft: Mapping[str, Any]) -> dict[str, Any]:
        """Form initial values from the answers given so far."""
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        try:
            parse_intake(self.fragment(), self.catalogue)
        except IntakeError as error:
            self.add_problems(error.problems)
        return cleaned

    def add_problems(self, problems: Iterable[FieldProblem]) -> None:
        """Show each problem next to its field (or above the form when no field matches)."""
        for problem in problems:
            name = field_name(problem.field)
            if name in self.fields:
                if web_message(problem) not in self.errors.get(name, []):
                    self.add_error(name, web_message(problem))
            else:
                self.add_error(None, f"{problem.field}: {problem.message}")


class WhereForm(StepForm):
    regions = SlugsField(
        label="Where does your back hurt or feel tight?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    symptoms = SlugsField(
        label="What do you notice?", required=False, widget=forms.CheckboxSelectMultiple
    )
    intensity = NumberField(
        low=0,
        high=10,
        label="How strong is the pain right now?",
        help_text="0 means no pain, 10 the worst pain you can imagine.",
    )
    duration_weeks = NumberField(
        low=0,
        high=5200,
        label="For about how many weeks has it bothered you?",
        help_text="Enter 0 if it is less than a week.",
    )

    def set_choices(self) -> None:
        regions = sorted(self.catalogue.regions.values(), key=lambda r: r.order)
        self.fields["regions"].choices = [(r.slug, r.label) for r in regions]
        self.fields["symptoms"].choices = [
            (s.slug, s.label) for s in self.catalogue.symptoms.values()
        ]

    def fragment(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "regions": list(data.get("regions") or []),
            "symptoms": list(data.get("symptoms") or []),
            "pain": _drop_none(
                {
                    "intensity": as_int(data.get("intensity")),
                    "duration_weeks": as_int(data.get("duration_weeks")),
                }
            ),
        }

    @classmethod
    def initial_from(cls, draft: Mapping[str, Any]) -> dict[str, Any]:
        pain = draft.get("pain") or {}
        return {
            "regions": draft.get("regions", []),
            "symptoms": draft.get("symptoms", []),
            "intensity": pain.get("intensity", ""),
            "duration_weeks": pain.get("duration_weeks", ""),
        }


class GoalsForm(StepForm):
    goals = SlugsField(
        label="What would you like massage to help with?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def set_choices(self) -> None:
        self.fields["goals"].choices = [(g.slug, g.label) for g in self.catalogue.goals.values()]

    def fragment(self) -> dict[str, Any]:
        return {"goals": list(self.cleaned_data.get("goals") or [])}

    @classmethod
    def initial_from(cls, draft: Mapping[str, Any]) -> dict[str, Any]:
        return {"goals": draft.get("goals", [])}


PRESSURE_CHOICES = [
    ("1", "1 · Very light: a gentle glide over the skin"),
    ("2", "2 · Light"),
    ("3", "3 · Moderate: a typical relaxing massage"),
    ("4", "4 · Firm: what most people call deep pressure"),
    ("5", "5 · Very firm: the deepest pressure"),
]


class PreferencesForm(StepForm):
    focus = OptionField(
        label="What do you mainly want from a session?",
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("relax", "To relax and unwind"),
            ("treat", "Focused work on pain or stiffness"),
            ("either", "Either, or not sure"),
        ],
    )
    pressure_tolerance = OptionField(
        label="How firm a pressure are you comfortable with?",
        required=False,
        widget=forms.RadioSelect,
        choices=PRESSURE_CHOICES,
    )
    stay_clothed = OptionField(
        label="Would you rather stay fully clothed?",
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("no", "No, I am fine undressing to my comfort under a sheet"),
            ("yes", "Yes, I would rather stay clothed"),
        ],
    )
    scents = OptionField(
        label="Would you enjoy scented essential oils?",
        required=False,
        widget=forms.RadioSelect,
        choices=[("yes", "Yes"), ("no", "No, no scents please"), ("unsure", "Not sure")],
    )

    def fragment(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "preferences": _drop_none(
                {
                    "focus": data.get("focus") or None,
                    "pressure_tolerance": as_int(data.get("pressure_tolerance")),
                    "stay_clothed": as_bool(data.get("stay_clothed")),
                    "scents": data.get("scents") or None,
                }
            )
        }

    @classmethod
    def initial_from(cls, draft: Mapping[str, Any]) -> dict[str, Any]:
        prefs = draft.get("preferences") or {}
        return {
            "focus": prefs.get("focus", "either"),
            "pressure_tolerance": str(prefs.get("pressure_tolerance", 3)),
            "stay_clothed": yes_no(prefs.get("stay_clothed", False)),
            "scents": prefs.get("scents", "unsure"),
        }


class HealthForm(StepForm):
    conditions = SlugsField(
        label="Do any of these apply to you?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick all that apply. Leave them all empty if none do.",
    )
    anticoagulants = OptionField(
        label="Do you take blood-thinning medicine (anticoagulants)?",
        required=False,
        widget=forms.RadioSelect,
        choices=[("no", "No"), ("yes", "Yes")],
        help_text="For example warfarin, apixaban, rivaroxaban, dabigatran or heparin injections.",
    )
    pregnancy_weeks = NumberField(
        low=1,
        high=42,
        label="If you are pregnant: how many weeks?",
        help_text="Leave empty if you are not pregnant.",
    )
    recent_surgery_weeks = NumberField(
        low=0,
        high=52,
        label="If you had an operation in the past year: how many weeks ago?",
        help_text="Leave empty if not. Enter 0 for this week.",
    )

    def set_choices(self) -> None:
        self.fields["conditions"].choices = [
            (slug, rule.label) for slug, rule in self.catalogue.conditions.items()
        ]

    def fragment(self) -> dict[str, Any]:
        data = self.cleaned_data
        health: dict[str, Any] = {
            "conditions": list(data.get("conditions") or []),
            # Empty means "no": these two keys are always sent so an earlier answer is replaced.
            "pregnancy_weeks": as_int(data.get("pregnancy_weeks")),
            "recent_surgery_weeks": as_int(data.get("recent_surgery_weeks")),
        }
        anticoagulants = as_bool(data.get("anticoagulants"))
        if anticoagulants is not None:
            health["anticoagulants"] = anticoagulants
        return {"health": health}

    @classmethod
    def initial_from(cls, draft: Mapping[str, Any]) -> dict[str, Any]:
        health = draft.get("health") or {}
        pregnancy = health.get("pregnancy_weeks")
        surgery = health.get("recent_surgery_weeks")
        return {
            "conditions": health.get("conditions", []),
            "anticoagulants": yes_no(health.get("anticoagulants", False)),
            "pregnancy_weeks": "" if pregnancy is None else pregnancy,
            "recent_surgery_weeks": "" if surgery is None else surgery,
        }


class WarningSignsForm(StepForm):
    red_flags = SlugsField(
        label="Do you have any of these right now?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick any that apply. If none do, leave them all empty and continue.",
    )

    def set_choices(self) -> None:
        self.fields["red_flags"].choices = [
            (slug, flag.label) for slug, flag in self.catalogue.red_flags.items()
        ]

    def fragment(self) -> dict[str, Any]:
        return {"health": {"red_flags": list(self.cleaned_data.get("red_flags") or [])}}

    @classmethod
    def initial_from(cls, draft: Mapping[str, Any]) -> dict[str, Any]:
        return {"red_flags": (draft.get("health") or {}).get("red_flags", [])}


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    heading: str
    intro: str
    form_class: type[StepForm]


STEPS: tuple[Step, ...] = (
    Step(
        "where",
        "Where it hurts",
        "Where does it hurt?",
        "Tap the areas on the back map, or tick them in the list. Then tell us what you notice.",
        WhereForm,
    ),
    Step(
        "goals",
        "Goals",
        "What are your goals?",
        "Choose everything you hope massage can help with. We plan your program around them.",
        GoalsForm,
    ),
    Step(
        "preferences",
        "Preferences",
        "What do you prefer?",
        "Your preferences can rule a technique out, but they never loosen a safety rule.",
        PreferencesForm,
    ),
    Step(
        "health",
        "Health",
        "Your health",
        "A few questions so we only suggest what is safe for you. Your answers stay private.",
        HealthForm,
    ),
    Step(
        "warning-signs",
        "Warning signs",
        "Warning signs",
        "Some symptoms need a doctor before any massage. Please read each one.",
        WarningSignsForm,
    ),
)
STEP_SLUGS = tuple(s.slug for s in STEPS)


def get_step(slug: str) -> Step | None:
    return next((s for s in STEPS if s.slug == slug), None)


def step_index(step: Step) -> int:
    return STEP_SLUGS.index(step.slug)


def next_step(step: Step) -> Step | None:
    index = step_index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def previous_step(step: Step) -> Step | None:
    index = step_index(step)
    return STEPS[index - 1] if index > 0 else None
