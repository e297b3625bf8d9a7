"""Reading a saved assessment (health data) leaves an audit entry the client can see."""

import pytest
from django.urls import reverse

from tests.factories import make_assessment
from unknot.apps.accounts.services import api_token_issue
from unknot.apps.records.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_web_and_api_reads_of_an_assessment_are_audited(client, client_user):
    saved = make_assessment(client_user)
    client.force_login(client_user)
    assert client.get(reverse("assessment:saved", args=[saved.uid])).status_code == 200
    token = api_token_issue(user=client_user)
    response = client.get(f"/api/v1/assessments/{saved.uid}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    entries = AuditEntry.objects.filter(record_kind="assessment", record_uid=saved.uid)
    assert sorted(entries.values_list("via", flat=True)) == ["api", "web"]


def test_a_refused_read_is_not_recorded_as_a_view(client, client_user, other_client_user):
    saved = make_assessment(client_user)
    client.force_login(other_client_user)
    assert client.get(reverse("assessment:saved", args=[saved.uid])).status_code == 404
    assert not AuditEntry.objects.filter(record_kind="assessment").exists()
