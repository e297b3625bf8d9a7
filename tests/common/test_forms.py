"""StyledFormMixin: every widget gets its Bootstrap class, and invalid ones are marked too."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil

import pytest
from django import forms

import unknot.apps
from unknot.common.forms import StyledFormMixin


class Sample(StyledFormMixin, forms.Form):
    first = forms.CharField(max_length=5)
    second = forms.CharField(max_length=5)
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
    agree = forms.BooleanField()


def _classes(form, name: str) -> set[str]:
    return set(form.fields[name].widget.attrs.get("class", "").split())


EXPECTED = {
    "first": "form-control",
    "second": "form-control",
    "kind": "form-select",
    "agree": "form-check-input",
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_an_unbound_form_styles_every_field(name):
    form = Sample()
    assert _classes(form, name) == {EXPECTED[name]}
    assert "aria-invalid" not in form.fields[name].widget.attrs


@pytest.mark.parametrize("name", list(EXPECTED))
def test_an_invalid_field_keeps_its_style_and_is_marked_invalid(name):
    # Every field invalid: the later fields used to lose their class because reading the
    # errors while styling ran validation before they were styled.
    form = Sample(data={"first": "too long", "second": "too long", "kind": "z"})
    assert not form.is_valid()
    assert _classes(form, name) == {EXPECTED[name], "is-invalid"}
    attrs = form.fields[name].widget.attrs
    assert attrs["aria-invalid"] == "true"
    assert attrs["aria-describedby"] == f"id_{name}_errors"


def test_a_valid_field_in_an_invalid_form_is_styled_but_not_marked():
    form = Sample(data={"first": "ok", "second": "too long", "kind": "a", "agree": "on"})
    assert not form.is_valid()
    assert _classes(form, "first") == {"form-control"}
    assert _classes(form, "second") == {"form-control", "is-invalid"}
    assert "aria-invalid" not in form.fields["first"].widget.attrs


def _all_form_classes() -> list[type]:
    for info in pkgutil.walk_packages(unknot.apps.__path__, "unknot.apps."):
        if info.name.endswith(".forms"):
            importlib.import_module(info.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("unknot.") and hasattr(cls, "base_fields"):
            found.append(cls)
    return found


def _pickers():
    for cls in _all_form_classes():
        for name, field in cls.base_fields.items():
            widget = field.widget
            if getattr(widget, "input_type", None) in ("date", "time") or widget.attrs.get(
                "type"
            ) in ("date", "time"):
                yield f"{cls.__module__}.{cls.__name__}.{name}", widget


def test_forms_are_found():
    names = {cls.__name__ for cls in _all_form_classes()}
    assert {"ConfirmForm", "SignUpForm"} <= names


@pytest.mark.parametrize(("where", "widget"), [pytest.param(w, x, id=w) for w, x in _pickers()])
def test_every_date_and_time_picker_is_given_an_iso_value(where, widget):
    value = widget.format_value(
        dt.date(2027, 3, 9) if widget.input_type == "date" else dt.time(9, 30)
    )
    assert value == ("2027-03-09" if widget.input_type == "date" else "09:30"), where
