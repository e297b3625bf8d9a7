"""Form helpers: Bootstrap classes and accessible error wiring for every widget."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from unknot.common.validators import date_in_range_validators, validate_plain_text


class ConstraintCheckingModelForm(forms.ModelForm):
    """A model form that checks every database constraint of the model before saving.

    Django's model forms skip a constraint when one of its fields is not in the form (e.g. a
    read-only field in the admin), so saving could end in the database's ``IntegrityError``
    (a 500). Here every constraint is checked on the instance as it would be saved, and a
    violation is a form error on its field, or on the form when the field is not shown.
    """

    def _post_clean(self) -> None:
        super()._post_clean()
        if self._errors:
            return
        try:
            self.instance.validate_constraints()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)


class InRangeDateField(forms.DateField):
    """A date between 2000 and 2100: a far date is a form error, not an overflow later."""

    default_validators = date_in_range_validators()


class PlainCharField(forms.CharField):
    """A name or short text without control, bidi or zero-width characters."""

    default_validators = [validate_plain_text]


class StyledFormMixin:
    """Adds Bootstrap's classes to each widget and marks invalid fields for assistive tech.

    Styling happens before validation, and marking after it (``full_clean``): reading
    ``self.errors`` while styling would validate the form before its later fields are styled.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(
                widget, forms.CheckboxSelectMultiple | forms.RadioSelect | forms.CheckboxInput
            ):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                if "is-invalid" not in attrs.get("class", ""):
                    attrs["class"] = attrs.get("class", "") + " is-invalid"
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"id_{name}_errors"


class DatePicker(forms.DateInput):
    """The browser's date picker. Its value is always ISO 8601 (``2026-12-01``), whatever the
    site's locale: a ``dd/mm/yyyy`` value is blank in a date input, so every edit would lose it."""

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimePicker(forms.TimeInput):
    """The browser's time picker, in quarter hours, with an ``HH:MM`` value."""

    input_type = "time"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs={"step": 900, **(attrs or {})}, format="%H:%M")


def optional_text(
    label: str, *, rows: int = 3, max_length: int = 5000, **kwargs
) -> forms.CharField:
    """An optional multi-line text field: the free-text parts of notes and check-ins."""
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        required=False,
        max_length=max_length,
        **kwargs,
    )
