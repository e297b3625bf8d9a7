"""Admin saves check every database constraint first: a violation is a form error, never the
database's IntegrityError (publishing a question without the asker's consent was a 500)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, make_therapist
from unknot.apps.accounts.models import User
from unknot.apps.questions.models import Question, QuestionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    root = User.objects.create_superuser(email="root@example.test", password=PASSWORD)
    client.force_login(root)
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    ("consent", "status", "published"),
    [
        (False, QuestionStatus.ANSWERED, True),  # no consent
        (True, QuestionStatus.OPEN, True),  # not answered
    ],
)
def test_publishing_against_the_constraint_is_a_form_error(
    admin_client, practice, consent, status, published
):
    ben = make_therapist(practice, "ben-carter", techniques=("swedish",))
    question = Question.objects.create(
        therapist=ben,
        asker_email="ana@example.test",
        body="Is it safe?",
        consent_to_publish=consent,
        status=QuestionStatus.ANSWERED,
        answer="Yes.",
        answered_at="2026-11-30T10:00Z",
    )
    url = reverse("admin:questions_question_change", args=[question.pk])
    response = admin_client.post(
        url,
        {"status": status, "published_at_0": "2026-12-01", "published_at_1": "10:00:00"},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "published" in str(errors), errors
    question.refresh_from_db()
    assert question.published_at is None


def test_a_valid_admin_save_still_saves(admin_client, practice):
    ben = make_therapist(practice, "ben-carter", techniques=("swedish",))
    question = Question.objects.create(
        therapist=ben, asker_email="ana@example.test", body="Is it safe?"
    )
    url = reverse("admin:questions_question_change", args=[question.pk])
    response = admin_client.post(url, {"status": QuestionStatus.DISMISSED, "published_at_0": ""})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.DISMISSED
