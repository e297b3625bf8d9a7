"""Forms of the booking pages. Hidden slot fields are validated as strictly as visible ones."""

from __future__ import annotations

import datetime as dt

from django import forms

from unknot.common.forms import InRangeDateField, PlainCharField, StyledFormMixin

ANY = "any"


def parse_instant(value: str) -> dt.datetime | None:
    """An ISO 8601 date-time with its UTC offset, or None. A date-time without offset is refused:
    a slot is an instant, and guessing its zone could book the wrong hour."""
    value = (value or "").strip()
    if len(value) > 19 and value[-6] == " ":
        # A "+" left unencoded in a query string arrives as a space.
        value = value[:-6] + "+" + value[-5:]
    if not value or len(value) > 40:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def parse_day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


class InstantField(forms.CharField):
    default_error_messages = {
        "invalid": "That is not a date and time with its UTC offset (e.g. 2026-12-01T10:00+00:00)."
    }

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        parsed = parse_instant(value)
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class LengthForm(forms.Form):
    """Step one: how long a session."""

    duration = forms.TypedChoiceField(
        coerce=int, widget=forms.RadioSelect, label="Session length", choices=()
    )

    def __init__(self, *args, durations: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["duration"].choices = [(d, f"{d} minutes") for d in durations]


class ChoiceForm(forms.Form):
    """A session length and a therapist uid (or "any"), from the query string."""

    duration = forms.IntegerField(min_value=10, max_value=240)
    therapist = forms.RegexField(regex=r"^[A-Za-z0-9_-]{1,32}$", max_length=32)


class SlotForm(ChoiceForm):
    """A chosen slot, carried in the query string or in hidden fields."""

    start = InstantField()


class ConfirmForm(StyledFormMixin, SlotForm):
    """The booking itself: the slot, an idempotency key and an optional note."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    note = forms.CharField(
        label="Anything your therapist should know? (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example where it hurts most or the pressure you like (up to 1000 letters).",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("duration", "therapist", "start"):
            self.fields[name].widget = forms.HiddenInput()


class CancelForm(StyledFormMixin, forms.Form):
    reason = PlainCharField(
        label="Reason (optional)",
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class RescheduleForm(forms.Form):
    start = InstantField()


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("completed", "Completed"), ("no_show", "No-show")])


class ClearanceForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label="Clearance received",
        max_length=2000,
        error_messages={"required": "Say what clearance was received."},
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Who cleared the session and how, e.g. 'GP letter dated 2 Dec, seen at desk'.",
    )

    def clean_note(self) -> str:
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError("Say what clearance was received.")
        return note


class ScheduleQueryForm(forms.Form):
    date = InRangeDateField(required=False, input_formats=["%Y-%m-%d"])
    view = forms.ChoiceField(required=False, choices=[("day", "Day"), ("week", "Week")])
