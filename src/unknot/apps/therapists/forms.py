from django import forms

from unknot.apps.practices.models import Technique
from unknot.apps.therapists.models import Language, Therapist
from unknot.common.forms import DatePicker, StyledFormMixin


class DirectoryFilterForm(StyledFormMixin, forms.Form):
    technique = forms.ModelChoiceField(
        Technique.objects.all(), to_field_name="slug", required=False, empty_label="Any technique"
    )
    language = forms.ModelChoiceField(
        Language.objects.all(), to_field_name="code", required=False, empty_label="Any language"
    )


class TherapistProfileForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Therapist
        fields = [
            "display_name",
            "photo",
            "bio",
            "years_in_practice",
            "licence_number",
            "licence_jurisdiction",
            "licence_expires_on",
            "techniques",
            "languages",
        ]
        widgets = {
            "licence_expires_on": DatePicker(),
            "techniques": forms.CheckboxSelectMultiple,
            "languages": forms.CheckboxSelectMultiple,
            "bio": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "licence_number": "Changing licence details sends them back to staff for verification."
        }
