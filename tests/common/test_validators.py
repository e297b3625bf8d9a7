"""Names and short texts refuse invisible and reordering characters (control, bidi override,
zero-width …) everywhere they enter: model fields (admin, model forms), plain forms, API
schemas and services. Names in every script are still welcome."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.test import Client

from tests.factories import make_therapist
from unknot.api.fields import InRangeDate, LocalTime, PlainText  # noqa: F401
from unknot.apps.accounts.forms import SignUpForm
from unknot.apps.booking.forms import CancelForm
from unknot.apps.questions.errors import QuestionRefused
from unknot.apps.questions.forms import AskForm
from unknot.apps.questions.services import question_ask
from unknot.common.validators import PlainTextValidator, plain_text_problem, validate_plain_text

DISGUISES = [
    "Ana\u202eXAM",  # right-to-left override
    "Ana\u202dB",  # left-to-right override
    "Ana\u2066B\u2069",  # isolates
    "An\u200ba",  # zero-width space
    "An\u200da",  # zero-width joiner
    "\u200fAna",  # right-to-left mark
    "Ana\ufeff",  # byte order mark
    "An\u00ada",  # soft hyphen
    "Ana\x00",  # NUL
    "Ana\nBen",  # newline
    "Ana\tBen",  # tab
    "Ana\x1b[31m",  # escape
    "Ana\u2028Ben",  # line separator
    "Ana\ue000",  # private use
    "Ana\U000e0041",  # tag character
]
NAMES = ["Ana", "Zoë O'Brien-Smith", "سارة", "שרה כהן", "李小龙", "Nguyễn Thị", "J. R. R."]

NAME_FIELDS = [
    ("accounts", "User", "full_name"),
    ("therapists", "Therapist", "display_name"),
    ("therapists", "Therapist", "licence_number"),
    ("therapists", "Therapist", "licence_jurisdiction"),
    ("therapists", "Certification", "title"),
    ("therapists", "Certification", "issuer"),
    ("therapists", "Language", "name"),
    ("practices", "Practice", "name"),
    ("practices", "Practice", "phone"),
    ("practices", "Room", "name"),
    ("practices", "Technique", "name"),
    ("questions", "Question", "asker_name"),
    ("booking", "DateOverride", "note"),
    ("booking", "TimeOff", "reason"),
    ("booking", "Booking", "cancellation_reason"),
]


@pytest.mark.parametrize("value", DISGUISES)
def test_disguising_characters_are_refused_with_their_name(value):
    problem = plain_text_problem(value)
    assert problem is not None and "U+" in problem
    with pytest.raises(ValidationError):
        validate_plain_text(value)


@pytest.mark.parametrize("value", NAMES)
def test_names_of_every_script_are_accepted(value):
    assert plain_text_problem(value) is None
    validate_plain_text(value)


@pytest.mark.parametrize(("app", "model", "field"), NAME_FIELDS)
def test_every_name_field_carries_the_validator(app, model, field):
    validators = apps.get_model(app, model)._meta.get_field(field).validators
    assert any(isinstance(v, PlainTextValidator) for v in validators)


def test_no_name_like_field_is_missed():
    """A new short-text field named like a name or a label gets the validator too."""
    covered = {(a, m.lower(), f) for a, m, f in NAME_FIELDS}
    words = ("name", "title", "issuer", "reason", "note", "phone", "label")
    missing = []
    for model in apps.get_models():
        if not model.__module__.startswith("unknot."):
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.CharField) or field.choices:
                continue
            if any(word in field.name for word in words):
                key = (model._meta.app_label, model._meta.model_name, field.name)
                if key not in covered and not any(
                    isinstance(v, PlainTextValidator) for v in field.validators
                ):
                    missing.append(key)
    # The audit log's actor label is written by the system from a validated name.
    assert [m for m in missing if m != ("records", "auditentry", "actor_label")] == []


@pytest.mark.django_db
@pytest.mark.parametrize("value", DISGUISES[:4])
@pytest.mark.parametrize(
    ("form_class", "field", "data"),
    [
        (SignUpForm, "full_name", {"email": "x@example.test", "password": "long enough pw 1"}),
        (AskForm, "name", {"question": "What styles do you work in?", "email": "x@e.test"}),
        (CancelForm, "reason", {}),
    ],
)
def test_forms_refuse_them(form_class, field, data, value):
    form = form_class(data={**data, field: value})
    assert not form.is_valid()
    assert field in form.errors


@pytest.mark.django_db
@pytest.mark.parametrize("value", DISGUISES[:4])
@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/auth/signup", {"email": "x@example.test", "password": "x" * 12}, "full_name"),
        (
            "/api/v1/therapists/{ben}/questions",
            {"question": "Q?" * 10, "email": "x@e.test"},
            "name",
        ),
    ],
)
def test_the_api_refuses_them(practice, path, body, field, value):
    ben = make_therapist(practice, "ben-carter", techniques=("swedish",))
    response = Client().post(
        path.format(ben=ben.uid),
        json.dumps({**body, field: value}),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    errors = response.json().get("errors", [])
    assert field in {e["field"] for e in errors}
    assert any("U+" in e["message"] for e in errors)


@pytest.mark.django_db
def test_the_question_service_refuses_them(practice):
    import datetime as dt

    ben = make_therapist(practice, "ben-carter", techniques=("swedish",))
    with pytest.raises(QuestionRefused) as refused:
        question_ask(
            therapist=ben,
            body="Which styles do you work in, please?",
            now=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
            email="x@example.test",
            name="Ana\u202eXAM",
        )
    assert refused.value.field == "name"


@pytest.mark.django_db
def test_model_validation_refuses_them(practice):
    ben = make_therapist(practice, "ben-carter", techniques=("swedish",))
    ben.display_name = "Ben\u202eretraC"
    with pytest.raises(ValidationError) as error:
        ben.full_clean()
    assert "display_name" in error.value.message_dict
