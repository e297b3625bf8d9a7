"""StyledFormMixin: every widget gets its Bootstrap class, and invalid ones are marked too."""

from __future__ import annotations

import pytest
from django import forms

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
