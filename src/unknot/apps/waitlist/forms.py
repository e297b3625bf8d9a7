"""The form to join the waitlist."""

from __future__ import annotations

from django import forms

from unknot.apps.booking.models import Weekday
from unknot.apps.practices.models import Technique
from unknot.apps.therapists.models import Therapist
from unknot.common.forms import DatePicker, InRangeDateField, StyledFormMixin, TimePicker

ANY = ""


class _JoinFields(forms.Form):
    technique = forms.ModelChoiceField(
        queryset=Technique.objects.none(), to_field_name="slug", empty_label=None
    )
    therapist = forms.ChoiceField(label="Therapist", choices=(), required=False)
    weekdays = forms.TypedMultipleChoiceField(
        coerce=int,
        choices=Weekday.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Days that suit you (none ticked: any day)",
    )
    earliest_time = forms.TimeField(
        required=False,
        label="Not before",
        widget=TimePicker(),
    )
    latest_time = forms.TimeField(
        required=False,
        label="Finished by",
        widget=TimePicker(),
    )
    earliest_date = InRangeDateField(required=False, label="From", widget=DatePicker())
    latest_date = InRangeDateField(required=False, label="Until", widget=DatePicker())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["technique"].queryset = (
            Technique.objects.filter(services__is_active=True).distinct().order_by("position")
        )
        therapists = Therapist.objects.filter(
            is_active=True, licence_verified_at__isnull=False
        ).order_by("display_name")
        self.fields["therapist"].choices = [(ANY, "Any therapist")] + [
            (t.uid, t.display_name) for t in therapists
        ]

    def clean_therapist(self):
        uid = self.cleaned_data.get("therapist")
        if not uid:
            return None
        therapist = (
            Therapist.objects.select_related("practice").filter(uid=uid, is_active=True).first()
        )
        if therapist is None:
            raise forms.ValidationError("Unknown therapist.")
        return therapist

    def clean(self):
        data = super().clean()
        first, last = data.get("earliest_time"), data.get("latest_time")
        if first and last and first >= last:
            self.add_error("latest_time", "The time window must end after it starts.")
        first, last = data.get("earliest_date"), data.get("latest_date")
        if first and last and first > last:
            self.add_error("latest_date", "The last date must not be before the first.")
        return data


class JoinForm(StyledFormMixin, _JoinFields):
    """The choices are set before the mixin reads the errors of a bound form."""
