"""Forms of the program pages: the builder, a chosen alternative, rescheduling and adjusting."""

from __future__ import annotations

import datetime as dt

from django import forms

from unknot.apps.booking.models import Weekday
from unknot.apps.practices.models import Technique
from unknot.apps.programs.models import MAX_EVERY_DAYS, MAX_SESSIONS
from unknot.apps.therapists.models import Therapist
from unknot.common.forms import DatePicker, InRangeDateField, StyledFormMixin, TimePicker
from unknot.common.validators import datetime_in_range

ANY = "any"
INTERVALS = [
    (7, "Every week"),
    (14, "Every two weeks"),
    (21, "Every three weeks"),
    (28, "Every four weeks"),
]


def parse_instant(value: str) -> dt.datetime | None:
    """An ISO 8601 date-time with its offset, between 2000 and 2100, or None (an instant must
    name its offset)."""
    value = (value or "").strip()
    if not value or len(value) > 40:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None or not datetime_in_range(parsed):
        return None
    return parsed


class _BuilderFields(forms.Form):
    technique = forms.ModelChoiceField(
        queryset=Technique.objects.none(), to_field_name="slug", empty_label=None
    )
    duration = forms.TypedChoiceField(coerce=int, label="Session length", choices=())
    therapist = forms.ChoiceField(label="Therapist", choices=())
    weekday = forms.TypedChoiceField(coerce=int, choices=Weekday.choices, label="Day of the week")
    time = forms.TimeField(label="Time", widget=TimePicker())
    starting = InRangeDateField(
        label="Starting from",
        help_text="The first session is on the chosen day of the week on or after this date.",
        widget=DatePicker(),
    )
    every_days = forms.TypedChoiceField(coerce=int, label="How often", choices=INTERVALS)
    sessions = forms.IntegerField(label="Number of sessions", min_value=1, max_value=MAX_SESSIONS)
    assessment = forms.CharField(required=False, widget=forms.HiddenInput, max_length=32)

    def __init__(self, *args, techniques, durations, therapists, every_days=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technique"].queryset = techniques
        self.fields["duration"].choices = [(d, f"{d} minutes") for d in durations]
        self.fields["therapist"].choices = [(ANY, "Any therapist")] + [
            (t.uid, t.display_name) for t in therapists
        ]
        choices = list(INTERVALS)
        if every_days and every_days not in dict(choices) and 1 <= every_days <= MAX_EVERY_DAYS:
            choices.append((every_days, f"Every {every_days} days"))
            choices.sort()
        self.fields["every_days"].choices = choices

    def first_local(self) -> tuple[dt.date, dt.time]:
        """The first session's local date and time."""
        data = self.cleaned_data
        day = data["starting"]
        day += dt.timedelta(days=(data["weekday"] - day.weekday()) % 7)
        return day, data["time"]


class ProgramBuilderForm(StyledFormMixin, _BuilderFields):
    """The builder. The choices are set before the mixin reads the errors of a bound form."""


class SeriesForm(forms.Form):
    """The builder's choices carried through the preview in hidden fields."""

    technique = forms.SlugField(max_length=40)
    duration = forms.IntegerField(min_value=10, max_value=240)
    therapist = forms.RegexField(regex=r"^[A-Za-z0-9_-]{1,32}$", max_length=32)
    first_start = forms.CharField(max_length=40)
    every_days = forms.IntegerField(min_value=1, max_value=MAX_EVERY_DAYS)
    sessions = forms.IntegerField(min_value=1, max_value=MAX_SESSIONS)
    assessment = forms.CharField(required=False, max_length=32)

    def clean_first_start(self):
        parsed = parse_instant(self.cleaned_data["first_start"])
        if parsed is None:
            raise forms.ValidationError("That is not a date and time with its offset.")
        return parsed

    def clean_therapist(self):
        uid = self.cleaned_data["therapist"]
        if uid == ANY:
            return None
        therapist = (
            Therapist.objects.select_related("practice").filter(uid=uid, is_active=True).first()
        )
        if therapist is None:
            raise forms.ValidationError("Unknown therapist.")
        return therapist

    def clean_technique(self):
        technique = Technique.objects.filter(slug=self.cleaned_data["technique"]).first()
        if technique is None:
            raise forms.ValidationError("Unknown technique.")
        return technique


class RescheduleForm(StyledFormMixin, forms.Form):
    day = InRangeDateField(label="New date", widget=DatePicker())
    time = forms.TimeField(label="New time", widget=TimePicker())


class _AdjustFields(forms.Form):
    every_days = forms.TypedChoiceField(coerce=int, label="How often", choices=INTERVALS)
    technique = forms.ModelChoiceField(
        queryset=Technique.objects.none(), to_field_name="slug", empty_label=None
    )
    duration = forms.TypedChoiceField(coerce=int, label="Session length", choices=())

    def __init__(self, *args, techniques, durations, every_days: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technique"].queryset = techniques
        self.fields["duration"].choices = [(d, f"{d} minutes") for d in durations]
        choices = list(INTERVALS)
        if every_days not in dict(choices):
            choices = sorted([*choices, (every_days, f"Every {every_days} days")])
        self.fields["every_days"].choices = choices


class AdjustForm(StyledFormMixin, _AdjustFields):
    """Interval, technique and length of the sessions to come."""


class MoveRestForm(StyledFormMixin, forms.Form):
    day = InRangeDateField(label="Date of the next session", widget=DatePicker())
    time = forms.TimeField(label="Time", widget=TimePicker())
