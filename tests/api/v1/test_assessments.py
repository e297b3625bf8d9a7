"""POST/GET /api/v1/assessments: the contract, the 422 shape, and who gets what stored."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.factories import make_assessment, make_therapist
from unknot.apps.accounts.services import api_token_issue
from unknot.apps.guide.models import SavedAssessment

pytestmark = pytest.mark.django_db

URL = "/api/v1/assessments"

LOW_BACK = {
    "symptoms": ["low-back-pain", "tight-back"],
    "regions": ["lower-back"],
    "pain": {"intensity": 5, "duration_weeks": 20},
    "goals": ["back-pain-relief"],
    "preferences": {"focus": "either", "pressure_tolerance": 4, "stay_clothed": False},
    "health": {"conditions": [], "anticoagulants": False, "red_flags": [], "none_apply": True},
}


def post(client, body, **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **extra)


def bearer(user) -> dict[str, str]:
    return {
        "HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user, second_factor_verified=True)}"
    }


def evidence_ids(body) -> set[str]:
    reasons = [reason for r in body["recommendations"] for reason in r["reasons"]]
    ids = {e for reason in reasons for e in reason["evidence"]}
    ids |= {e for p in body["program"]["phases"] for e in p["evidence"]}
    return ids


# --- the answer ----------------------------------------------------------------------------


def test_anonymous_gets_the_full_contract_and_nothing_is_stored(client):
    response = post(client, LOW_BACK)
    assert response.status_code == 200
    body = response.json()
    assert body["uid"] is None and body["saved"] is False and body["created_at"] is None
    assert body["status"] == "ok"
    assert body["status_text"] == "you can book a session"
    for key in ("summary", "excluded", "flags", "questions_for_therapist", "catalogue_version"):
        assert key in body
    recs = body["recommendations"]
    assert recs and [r["score"] for r in recs] == sorted((r["score"] for r in recs), reverse=True)
    first = recs[0]
    for key in ("technique", "score", "reasons", "pressure_cap", "what_to_expect", "what_to_wear"):
        assert key in first
    assert all(1 <= r["pressure_cap"] <= 4 for r in recs)
    for reason in first["reasons"]:
        assert reason["evidence"] or reason["basis"] == "practice convention"
    phases = body["program"]["phases"]
    assert phases and {"name", "sessions", "every_days", "session_minutes", "rationale"} <= set(
        phases[0]
    )
    assert body["intake"]["preferences"]["scents"] == "unsure"  # defaults filled in
    assert SavedAssessment.objects.count() == 0


def test_every_cited_evidence_id_resolves(client):
    body = post(client, {**LOW_BACK, "goals": ["back-pain-relief", "stress-relief", "sleep"]})
    ids = evidence_ids(body.json())
    assert "cherkin-2011" in ids
    for evidence_id in ids:
        response = client.get(f"/api/v1/evidence/{evidence_id}")
        assert response.status_code == 200, evidence_id
        assert response.json()["id"] == evidence_id


def test_red_flag_means_refer_with_no_recommendations(client):
    body = post(client, {**LOW_BACK, "health": {"red_flags": ["unexplained-weight-loss"]}}).json()
    assert body["status"] == "refer" and body["urgency"] == "soon"
    assert body["status_text"] == "see your doctor before booking"
    assert body["recommendations"] == []
    assert body["program"]["phases"] == []
    flag = next(f for f in body["flags"] if f["code"] == "unexplained-weight-loss")
    assert flag["action"] == "refer" and flag["urgency"] == "soon"
    assert flag["confidence"] == "U" and flag["sources"] == []


@pytest.mark.parametrize(
    ("red_flag", "urgency", "words"),
    [
        ("saddle-numbness", "emergency", "get emergency help now"),
        ("suspected-dvt", "today", "see a doctor today"),
        ("history-of-cancer", "soon", "see your doctor before booking"),
    ],
)
def test_status_text_and_flags_carry_the_urgency(client, red_flag, urgency, words):
    body = post(client, {**LOW_BACK, "health": {"red_flags": [red_flag]}}).json()
    assert body["urgency"] == urgency
    assert body["status_text"].startswith(words)
    flag = next(f for f in body["flags"] if f["code"] == red_flag)
    assert flag["urgency"] == urgency
    for source in flag["sources"]:
        evidence = client.get(f"/api/v1/evidence/{source['id']}").json()
        assert source["confidence"] == evidence["confidence"]


def test_an_emergency_answer_has_no_questions_and_says_what_to_do_now(client):
    intake = {**LOW_BACK, "health": {"red_flags": ["chest-pain"], "conditions": ["cancer"]}}
    body = post(client, intake).json()
    assert body["urgency"] == "emergency"
    assert body["questions_for_therapist"] == []
    assert body["recommendations"] == [] and body["program"]["phases"] == []
    assert body["next_steps"] and "emergency" in body["next_steps"][0]


def test_clearance_flags_carry_their_adaptations(client):
    body = post(client, {**LOW_BACK, "health": {"recent_surgery_weeks": 2}}).json()
    flag = next(f for f in body["flags"] if f["code"] == "recent-surgery-under-6-weeks")
    assert flag["urgency"] == "soon" and flag["cleared"] is False
    assert flag["adaptations"]["holds_after_clearance"] is True
    assert "deep-tissue" in flag["adaptations"]["exclude"]
    assert all(
        r["pressure_cap"] <= flag["adaptations"]["pressure_cap"] for r in body["recommendations"]
    )
    assert {"deep-tissue", "trigger-point"}.isdisjoint(
        r["technique"] for r in body["recommendations"]
    )


def test_fever_means_postpone(client):
    body = post(client, {"health": {"conditions": ["fever"]}}).json()
    assert body["status"] == "postpone"
    assert body["status_text"] == "wait until you are well"
    assert body["recommendations"] == []


@pytest.mark.parametrize(
    "intake",
    [
        {},
        {"symptoms": ["low-back-pain"]},
        {"health": {}},
        {"health": {"conditions": [], "anticoagulants": False, "red_flags": []}},
    ],
)
def test_an_intake_without_health_answers_is_refused_not_taken_as_healthy(client, intake):
    response = post(client, intake)
    assert response.status_code == 422
    (problem,) = response.json()["errors"]
    assert problem["field"] in ("health", "health.none_apply")
    assert "none of them apply" in problem["message"]
    assert SavedAssessment.objects.count() == 0


def test_saying_none_apply_is_a_valid_intake(client):
    body = post(client, {"health": {"none_apply": True}}).json()
    assert body["status"] == "ok" and body["intake"]["health"]["none_apply"] is True


# --- 422 and 400 -----------------------------------------------------------------------------


def problems(response) -> dict[str, dict]:
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"]
    for problem in body["errors"]:
        assert set(problem) == {"field", "message", "valid_values"}
    return {p["field"]: p for p in body["errors"]}


def test_unknown_slug_is_422_with_the_valid_values(client):
    response = post(client, {"health": {"conditions": ["fever", "sunburn"]}})
    assert response.status_code == 422
    found = problems(response)
    assert list(found) == ["health.conditions[1]"]
    assert "sunburn" in found["health.conditions[1]"]["message"]
    assert "fever" in found["health.conditions[1]"]["valid_values"]
    assert "dvt" in found["health.conditions[1]"]["valid_values"]


def test_intensity_11_is_422(client):
    response = post(client, {"pain": {"intensity": 11}})
    assert response.status_code == 422
    found = problems(response)
    assert "0 and 10" in found["pain.intensity"]["message"]
    assert found["pain.intensity"]["valid_values"] is None


@pytest.mark.parametrize(
    ("intake", "field"),
    [
        ({"pain": {"intensity": "5"}}, "pain.intensity"),
        ({"pain": {"intensity": 5.5}}, "pain.intensity"),
        ({"preferences": {"stay_clothed": "yes"}}, "preferences.stay_clothed"),
        ({"preferences": {"pressure_tolerance": True}}, "preferences.pressure_tolerance"),
        ({"symptoms": "stress"}, "symptoms"),
        ({"health": {"red_flags": [7]}}, "health.red_flags[0]"),
        ({"health": "none"}, "health"),
        ([], "intake"),
        ('"a JSON string"', "intake"),
        ("42", "intake"),
        ({"mood": "good"}, "mood"),
    ],
)
def test_wrong_json_types_are_422_in_the_same_shape(client, intake, field):
    response = post(client, intake)
    assert response.status_code == 422
    assert field in problems(response)


def test_several_problems_are_reported_at_once(client):
    response = post(
        client,
        {
            "symptoms": ["stress", "headache"],
            "pain": {"intensity": 11, "duration_weeks": -1},
            "preferences": {"focus": "sleep", "pressure_tolerance": 0},
            "health": {"conditions": ["gout"], "pregnancy_weeks": "ten", "red_flags": ["x"]},
        },
    )
    assert response.status_code == 422
    assert set(problems(response)) == {
        "symptoms[1]",
        "pain.intensity",
        "pain.duration_weeks",
        "preferences.focus",
        "preferences.pressure_tolerance",
        "health.conditions[0]",
        "health.pregnancy_weeks",
        "health.red_flags[0]",
    }
    assert problems(response)["preferences.focus"]["valid_values"] == ["relax", "treat", "either"]


@pytest.mark.parametrize("body", ["{not json", "", "   "])
def test_a_body_that_is_not_json_is_400_in_the_same_shape(client, body):
    response = post(client, body)
    assert response.status_code == 400
    assert list(problems(response)) == ["intake"]


def test_bad_input_from_a_client_stores_nothing(client, client_user):
    response = post(client, {"pain": {"intensity": 11}}, **bearer(client_user))
    assert response.status_code == 422
    assert SavedAssessment.objects.count() == 0


# --- storage and access ----------------------------------------------------------------------


def test_a_signed_in_client_is_stored_and_gets_its_uid(client, client_user):
    response = post(client, LOW_BACK, **bearer(client_user))
    assert response.status_code == 201
    body = response.json()
    assert body["saved"] is True and body["created_at"]
    saved = SavedAssessment.objects.get()
    assert body["uid"] == saved.uid and not saved.uid.isdigit()
    assert saved.client == client_user
    assert saved.status == body["status"] == "ok"
    assert saved.intake == body["intake"]
    assert saved.result["recommendations"] == body["recommendations"]


def test_a_session_client_is_stored(client, client_user):
    client.force_login(client_user)
    assert post(client, LOW_BACK).status_code == 201
    assert SavedAssessment.objects.filter(client=client_user).count() == 1


def test_a_signed_in_session_needs_the_csrf_token(client_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(client_user)
    assert post(browser, LOW_BACK).status_code == 403
    assert SavedAssessment.objects.count() == 0


def test_anonymous_callers_need_no_csrf_token():
    assert post(Client(enforce_csrf_checks=True), LOW_BACK).status_code == 200


def test_a_wrong_token_is_401_not_anonymous(client):
    response = post(client, LOW_BACK, HTTP_AUTHORIZATION="Bearer unk_nonsense")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_therapist_gets_an_answer_but_nothing_is_stored(client, practice):
    therapist = make_therapist(practice, "ben-carter")
    response = post(client, LOW_BACK, **bearer(therapist.user))
    assert response.status_code == 200
    assert response.json()["saved"] is False
    assert SavedAssessment.objects.count() == 0


def test_list_is_the_callers_own_newest_first(client, client_user, other_client_user):
    older = make_assessment(client_user)
    newer = make_assessment(client_user, health={"conditions": ["contagious-illness"]})
    make_assessment(other_client_user)
    response = client.get(URL, **bearer(client_user))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [a["uid"] for a in body["items"]] == [newer.uid, older.uid]
    assert body["items"][0]["status"] == "postpone"
    assert body["items"][0]["status_text"] == "wait until you are well"
    assert body["items"][1]["recommended"]


def test_list_needs_sign_in(client):
    assert client.get(URL).status_code == 401


def test_read_one_of_your_own(client, client_user):
    saved = make_assessment(client_user)
    response = client.get(f"{URL}/{saved.uid}", **bearer(client_user))
    assert response.status_code == 200
    body = response.json()
    assert body["uid"] == saved.uid and body["saved"] is True
    assert body["intake"] == saved.intake
    assert body["recommendations"] == saved.result["recommendations"]


def test_another_clients_assessment_is_404(client, client_user, other_client_user):
    theirs = make_assessment(other_client_user)
    response = client.get(f"{URL}/{theirs.uid}", **bearer(client_user))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.get(f"{URL}/no-such-uid", **bearer(client_user)).status_code == 404


def test_staff_cannot_read_a_clients_assessment_through_the_api(client, client_user, staff_user):
    saved = make_assessment(client_user)
    client.force_login(staff_user)
    assert client.get(f"{URL}/{saved.uid}").status_code == 404


def test_the_openapi_document_lists_the_intake_with_valid_values(client):
    doc = client.get("/api/v1/openapi.json").json()
    post_op = doc["paths"]["/api/v1/assessments"]["post"]
    schema = post_op["requestBody"]["content"]["application/json"]["schema"]
    assert "dvt" in schema["properties"]["health"]["properties"]["conditions"]["items"]["enum"]
    assert {"200", "201", "422"} <= set(post_op["responses"])
    assert "/api/v1/assessments/{uid}" in doc["paths"]
