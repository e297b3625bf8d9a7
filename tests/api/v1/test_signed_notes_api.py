"""/api/v1/notes/{booking}/sign and /amend: the therapist signs, then amends with a reason;
the note answers with every version; a signed note is not rewritten by PUT."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from tests.api.v1.test_notes import NOTE, put
from tests.apps.progress.builders import bearer, make_course, staff_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(practice):
    return make_course(practice, timezone.now().replace(microsecond=0))


def post(client, path, body, user):
    return client.post(path, data=json.dumps(body), content_type="application/json", **bearer(user))


def test_sign_then_amend_and_read_both_versions(client, course):
    uid, ben = course["held"][-1].uid, course["ben"].user
    assert put(client, uid, NOTE, ben).status_code == 200
    signed = post(client, f"/api/v1/notes/{uid}/sign", {}, ben)
    assert signed.status_code == 200, signed.content
    body = signed.json()
    assert (body["signed"], body["version"], len(body["versions"])) == (True, 1, 1)
    assert signed["Cache-Control"].count("no-store") == 1

    refused = put(client, uid, {**NOTE, "plan": "Changed quietly"}, ben)
    assert refused.status_code == 409 and refused.json()["code"] == "signed"

    no_reason = post(client, f"/api/v1/notes/{uid}/amend", {**NOTE, "plan": "Rest"}, ben)
    assert no_reason.status_code == 422
    amended = post(
        client,
        f"/api/v1/notes/{uid}/amend",
        {**NOTE, "plan": "Rest a week", "reason": "Client phoned: flare-up"},
        ben,
    )
    assert amended.status_code == 200, amended.content
    versions = amended.json()["versions"]
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[0]["plan"] == "Same again." and versions[1]["plan"] == "Rest a week"
    assert versions[1]["reason"] == "Client phoned: flare-up"
    assert versions[1]["changed"] == ["plan"] and versions[1]["kind"] == "amended"


def test_only_the_sessions_therapist_signs_and_amends(client, course):
    uid, ben = course["held"][-1].uid, course["ben"].user
    put(client, uid, NOTE, ben)
    staff = staff_at(course["practice"], "desk@example.org")
    assert post(client, f"/api/v1/notes/{uid}/sign", {}, staff).status_code == 404
    assert post(client, f"/api/v1/notes/{uid}/sign", {}, course["ana"]).status_code == 404
    body = {**NOTE, "reason": "x", "plan": "y"}
    assert post(client, f"/api/v1/notes/{uid}/amend", body, course["ana"]).status_code == 404


def test_amending_a_draft_and_signing_twice_are_409(client, course):
    uid, ben = course["held"][-1].uid, course["ben"].user
    put(client, uid, NOTE, ben)
    draft = post(client, f"/api/v1/notes/{uid}/amend", {**NOTE, "reason": "x"}, ben)
    assert draft.status_code == 409 and draft.json()["code"] == "not_signed"
    assert post(client, f"/api/v1/notes/{uid}/sign", {}, ben).status_code == 200
    again = post(client, f"/api/v1/notes/{uid}/sign", {}, ben)
    assert again.status_code == 409 and again.json()["code"] == "signed"
