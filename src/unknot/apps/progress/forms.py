"""Check-in and decision forms. The check-in is built from the client's plan: one 0-10 row per
measure item (pain first), the back map, and a folded "anything new about your health?"."""

from __future__ import annotations

from django import forms

from unknot.apps.progress.models import Relief
from unknot.apps.records.consents import WORDINGS
from unknot.common.forms import StyledFormMixin
from unknot.domain.guide import load_catalogue

SCALE = [(str(n), str(n)) for n in range(0, 11)]
PRESSURE = [(str(n), f"Level {n}") for n in range(1, 6)]
CONSENT_LABEL = WORDINGS["health_data"].text


def item_field_name(measure: str, item: str) -> str:
    return f"{measure}__{item}"


# Fields built at run time live in a class placed after StyledFormMixin, so they exist before
# the mixin styles every field and (for a bound form) reads its errors.


class _ConsentMixin:
    def add_consent(self, ask: bool) -> None:
        if ask:
            self.fields["give_consent"] = forms.BooleanField(
                label=CONSENT_LABEL,
                required=True,
                error_messages={"required": "We can only store your answers with your consent."},
            )


class _BeforeFields(_ConsentMixin):
    def __init__(self, *args, measures: tuple[str, ...] = (), ask_consent: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        catalogue = load_catalogue()
        self.scale_fields: list[tuple[str, object, object]] = []
        for slug in measures:
            measure = catalogue.measures[slug]
            for item in measure.items:
                name = item_field_name(slug, item.id)
                self.fields[name] = forms.ChoiceField(
                    label=item.text,
                    choices=SCALE,
                    widget=forms.RadioSelect,
                    error_messages={"required": "Choose a number from 0 to 10."},
                )
                self.scale_fields.append((name, measure, item))
        regions = sorted(catalogue.regions.values(), key=lambda r: r.order)
        self.fields["regions"] = forms.MultipleChoiceField(
            label="Where does it hurt today?",
            choices=[(r.slug, r.label) for r in regions],
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        self.fields["red_flags"] = forms.MultipleChoiceField(
            label="New warning signs",
            choices=[(f.slug, f.label) for f in catalogue.red_flags.values()],
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        self.fields["conditions"] = forms.MultipleChoiceField(
            label="New health conditions",
            choices=[(c.slug, c.label) for c in catalogue.conditions.values()],
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        self.fields["health_note"] = forms.CharField(
            label="Anything else your therapist should know",
            widget=forms.Textarea(attrs={"rows": 2}),
            required=False,
            max_length=2000,
        )
        self.add_consent(ask_consent)
        self._measures = measures

    def scale_rows(self) -> list[dict]:
        """One row per rating: the bound field, its measure and item (for the anchors)."""
        return [
            {"field": self[name], "measure": measure, "item": item}
            for name, measure, item in self.scale_fields
        ]

    def scores(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for name, measure, item in self.scale_fields:
            out.setdefault(measure.slug, {})[item.id] = int(self.cleaned_data[name])
        return out


class BeforeForm(StyledFormMixin, _BeforeFields, forms.Form):
    """Before a session: the plan's measures, where it hurts, and health changes."""


class _AfterConsent(_ConsentMixin):
    def __init__(self, *args, ask_consent: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_consent(ask_consent)


class AfterForm(StyledFormMixin, _AfterConsent, forms.Form):
    """24-48 hours after a session: soreness, reactions and how long relief lasted."""

    soreness = forms.ChoiceField(
        label="How sore have you felt since the session?",
        help_text="0 = not sore at all, 10 = as sore as I can imagine",
        choices=SCALE,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a number from 0 to 10."},
    )
    bruising = forms.BooleanField(label="I have a bruise where I was massaged", required=False)
    headache = forms.BooleanField(label="I had a headache afterwards", required=False)
    other_reactions = forms.CharField(
        label="Any other reaction (for example dizziness, a rash, feeling unwell)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    relief = forms.ChoiceField(
        label="How long did the relief last?",
        choices=Relief.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose one."},
    )


class _TechniqueChoices:
    def __init__(self, *args, techniques=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technique"].choices = [("", "—"), *techniques]


class DecisionForm(StyledFormMixin, _TechniqueChoices, forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "Accept"), ("change", "Change"), ("decline", "Decline")]
    )
    note = forms.CharField(
        label="Note for the client",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    pressure_cap = forms.TypedChoiceField(
        label="Pressure cap for the next session",
        choices=[("", "—"), *PRESSURE],
        coerce=int,
        required=False,
        empty_value=None,
    )
    technique = forms.ChoiceField(label="Technique instead", choices=[], required=False)
