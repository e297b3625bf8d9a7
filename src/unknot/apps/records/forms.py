"""Forms for session notes and closing an account."""

from __future__ import annotations

from django import forms

from unknot.apps.practices.models import Technique
from unknot.common.forms import StyledFormMixin, optional_text
from unknot.domain.guide import load_catalogue

PRESSURE = [("", "Not noted"), *[(str(n), f"Level {n}") for n in range(1, 6)]]


class _NoteChoices:
    """Choices from the database and the catalogue, set before StyledFormMixin reads errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["techniques"].choices = [(t.slug, t.name) for t in Technique.objects.all()]
        regions = sorted(load_catalogue().regions.values(), key=lambda r: r.order)
        self.fields["regions"].choices = [(r.slug, r.label) for r in regions]


class NoteForm(StyledFormMixin, _NoteChoices, forms.Form):
    subjective = optional_text("Subjective: what the client said")
    objective = optional_text("Objective: what you found")
    assessment = optional_text("Assessment: your interpretation")
    plan = optional_text("Plan: what next")
    techniques = forms.MultipleChoiceField(
        label="Techniques used", widget=forms.CheckboxSelectMultiple, required=False
    )
    pressure_used = forms.TypedChoiceField(
        label="Deepest pressure used (Walton scale)",
        choices=PRESSURE,
        coerce=int,
        empty_value=None,
        required=False,
    )
    regions = forms.MultipleChoiceField(
        label="Findings on the back map", widget=forms.CheckboxSelectMultiple, required=False
    )
    findings = optional_text("What you found in those areas", rows=2)
    client_summary = forms.CharField(
        label="Plain summary for the client",
        help_text="Only this text is ever shown to the client, and only if you share it.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
    share_summary = forms.BooleanField(label="Share the summary with the client", required=False)


class AmendNoteForm(NoteForm):
    reason = forms.CharField(
        label="Reason for the amendment",
        help_text="Kept with the new version and shown with the note's history.",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": "Say why the signed note is amended."},
    )


class _ForUser:
    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class CloseAccountForm(StyledFormMixin, _ForUser, forms.Form):
    password = forms.CharField(
        label="Your password, to confirm", widget=forms.PasswordInput, strip=False
    )

    def clean_password(self):
        password = self.cleaned_data["password"]
        if self.user is None or not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


class ReasonForm(StyledFormMixin, forms.Form):
    """Why someone opens records they would not otherwise see (break-glass, records request)."""

    reason = forms.CharField(
        label="Why do you need these records now?",
        min_length=10,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Written to the client's audit log, which they can read.",
    )
