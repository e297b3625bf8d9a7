"""Fields and the step form base shared by the self-assessment's steps.

Each step offers the catalogue's choices, but the values are checked by the guide core
(:func:`~unknot.domain.guide.parse_intake`), exactly as for the API and the CLI: every
:class:`~unknot.domain.guide.FieldProblem` is shown next to the field it concerns. The fields
themselves therefore accept anything and pass it on unchanged (a number that is not a number
stays a string, so the core can say so).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
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
    if "none of them apply" in text and text.startswith("is required"):
        return "Please tick what applies to you, or tick “None of these apply to me”."
    if text.startswith("cannot be true when health answers are given"):
        return (
            "You ticked “None of these apply to me” and also an answer that applies: "
            "please untick one of them."
        )
    if text.startswith("is required"):
        return f"Please fill this in: it {text}."
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


class StepForm(StyledFormMixin, forms.Form):
    """One step: turns its answers into a fragment of the intake and lets the core check it."""

    def __init__(self, *args, catalogue: Catalogue | None = None, **kwargs) -> None:
        self.catalogue = catalogue or load_catalogue()
        super().__init__(*args, **kwargs)
        self.set_choices()
        # The styling mixin reads the errors while the form is built, before set_choices can
        # add catalogue-driven fields: clean again, with every field in place.
        self._errors = None

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

    def field_for(self, path: str) -> str:
        """The form field that shows the problem at ``path``."""
        return field_name(path)

    def add_problems(self, problems: Iterable[FieldProblem]) -> None:
        """Show each problem next to its field (or above the form when no field matches)."""
        for problem in problems:
            name = self.field_for(problem.field)
            if name in self.fields:
                if web_message(problem) not in self.errors.get(name, []):
                    self.add_error(name, web_message(problem))
            elif problem.field in ("health", "health.none_apply"):
                self.add_error(None, f"Health step: {web_message(problem)}")
            else:
                self.add_error(None, f"{problem.field}: {problem.message}")
