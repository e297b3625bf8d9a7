"""The self-assessment's steps as forms (the health step lives in ``health_form``).

Fields and the step base are in ``form_fields``: the guide core validates every answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms

from unknot.apps.guide.form_fields import (
    NumberField,
    OptionField,
    SlugsField,
    StepForm,
    as_bool,
    as_int,
    drop_none,
    field_name,
    web_message,
    yes_no,
)
from unknot.apps.guide.health_form import HealthForm

__all__ = ["HealthForm", "StepForm", "as_bool", "as_int", "field_name", "web_message"]


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
            "pain": drop_none(
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
            "preferences": drop_none(
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
