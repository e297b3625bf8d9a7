"""The health step of the self-assessment: questions in groups, details only on demand."""

from __future__ import annotations

import re
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
    yes_no,
)
from unknot.domain.guide import IntakeError, parse_intake
from unknot.domain.guide.intake import SITES


@dataclass(frozen=True)
class ConditionChoice:
    """One condition checkbox, with its "where is it?" field when the condition is local."""

    box: Any
    site: Any = None


@dataclass(frozen=True)
class QuestionGroup:
    """One group of the health step: asked together, opened only when something applies."""

    slug: str
    label: str
    hint: str
    choices: list[ConditionChoice]
    extra: list[Any]
    open: bool


# Other health questions shown inside a group (the form field names).
GROUP_EXTRAS = {
    "medicines": ("anticoagulants",),
    "bones-joints": ("recent_surgery_weeks",),
    "pregnancy": ("pregnancy_weeks",),
}


def site_field(condition: str) -> str:
    return f"site_{condition}"


class HealthForm(StepForm):
    """Health questions in groups: one "none of these apply" for all, details on demand.

    A client with nothing to tell ticks one box. Each group is a disclosure (``<details>``)
    that opens when something in it applies, so the specific questions, the pregnancy and
    surgery weeks and "where is it?" are only asked of those they concern.
    """

    age = NumberField(
        low=0,
        high=120,
        label="How old are you?",
        help_text="Under 18s need a parent's or guardian's consent. Leave empty if you prefer "
        "not to say.",
    )
    none_apply = forms.BooleanField(
        label="None of these apply to me",
        required=False,
        help_text="Tick this if nothing in the groups below applies to you.",
    )
    conditions = SlugsField(
        label="What applies to you?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Open a group and tick all that apply.",
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
        for slug, rule in self.catalogue.conditions.items():
            if rule.local:
                self.fields[site_field(slug)] = SlugsField(
                    label=f"Where? ({rule.label})",
                    required=False,
                    widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                    choices=list(SITES.items()),
                    help_text="Optional: so your therapist knows which side or limb.",
                )

    def field_for(self, path: str) -> str:
        if path.startswith("health.sites."):
            return site_field(re.sub(r"\[\d+\]$", "", path.removeprefix("health.sites.")))
        return super().field_for(path)

    def clean(self) -> dict[str, Any]:
        cleaned = forms.Form.clean(self)
        try:
            parse_intake(self.fragment(), self.catalogue, require_health=True)
        except IntakeError as error:
            self.add_problems(error.problems)
        return cleaned

    def fragment(self) -> dict[str, Any]:
        data = self.cleaned_data
        conditions = list(data.get("conditions") or [])
        sites = {
            c: list(data.get(site_field(c)) or [])
            for c in conditions
            if site_field(c) in self.fields and data.get(site_field(c))
        }
        health: dict[str, Any] = {
            "conditions": conditions,
            # Empty means "no": these keys are always sent so an earlier answer is replaced.
            "pregnancy_weeks": as_int(data.get("pregnancy_weeks")),
            "recent_surgery_weeks": as_int(data.get("recent_surgery_weeks")),
            "age": as_int(data.get("age")),
            "none_apply": bool(data.get("none_apply")),
            "sites": sites,
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
        age = health.get("age")
        initial = {
            "conditions": health.get("conditions", []),
            "anticoagulants": yes_no(health.get("anticoagulants", False)),
            "pregnancy_weeks": "" if pregnancy is None else pregnancy,
            "recent_surgery_weeks": "" if surgery is None else surgery,
            "age": "" if age is None else age,
            "none_apply": bool(health.get("none_apply")),
        }
        for condition, where in (health.get("sites") or {}).items():
            initial[site_field(condition)] = where
        return initial

    def groups(self) -> list[QuestionGroup]:
        """The health questions by group, each open when something in it is answered."""
        boxes = {str(b.data["value"]): b for b in self["conditions"]}
        ticked = {str(v) for v in (self["conditions"].value() or [])}
        found = []
        for slug, group in self.catalogue.screen_groups.items():
            members = [c for c, r in self.catalogue.conditions.items() if r.screen_group == slug]
            choices = [
                ConditionChoice(
                    boxes[c], self[site_field(c)] if site_field(c) in self.fields else None
                )
                for c in members
            ]
            extra = [self[name] for name in GROUP_EXTRAS.get(slug, ())]
            answered = bool(ticked & set(members)) or any(
                (f.value() not in (None, "", "no")) or f.errors for f in extra
            )
            found.append(
                QuestionGroup(slug, group.label, group.hint, choices, extra, open=answered)
            )
        return found
