"""Form helpers: Bootstrap classes and accessible error wiring for every widget."""

from __future__ import annotations

from django import forms


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
