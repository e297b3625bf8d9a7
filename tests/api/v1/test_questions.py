"""The questions API: ask (with or without an account), list, answer, publish, the FAQ."""

import pytest
from django.core import mail
from django.core.cache import cache

from tests.factories import make_therapist
from unknot.apps.questions.models import Question
from unknot.apps.questions.ratelimits import ASK_RATE_PER_EMAIL, ASK_RATE_PER_IP

pytestmark = pytest.mark.django_db

QUESTION = "Which of your styles suits someone who sits at a desk all day?"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ben(practice, settings):
    settings.SITE_URL = "https://unknot.example"
    return make_therapist(practice, "ben-carter")


def bearer(client, user) -> dict:
    """A token as a fully signed-in session makes it (practice-side accounts owe a second
    factor, so a password alone buys none)."""
    from unknot.apps.accounts.services import api_token_issue

    token = api_token_issue(user=user, second_factor_verified=True)
    return {"Authorization": f"Bearer {token}"}


def post(client, path, data=None, headers=None, ip="203.0.113.9"):
    return client.post(
        path, data or {}, content_type="application/json", headers=headers or {}, REMOTE_ADDR=ip
    )


def ask(client, ben, headers=None, ip="203.0.113.9", **fields):
    body = {"question": QUESTION, "email": "visitor@example.test", "topic": "styles", **fields}
    return post(client, f"/api/v1/therapists/{ben.uid}/questions", body, headers, ip)


def test_an_anonymous_question_is_answered_and_published(
    client, ben, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        asked = ask(client, ben, consent_to_publish=True, name="Sam")
    assert asked.status_code == 201
    body = asked.json()
    assert body["status"] == "open" and body["question"] == QUESTION
    assert body["therapist"] == {"uid": ben.uid, "name": "Ben Carter"}
    assert body["private_url"].startswith("https://unknot.example/questions/private/")
    assert not body["uid"].isdigit()
    assert mail.outbox[0].to == [ben.user.email]

    therapist = bearer(client, ben.user)
    inbox = client.get("/api/v1/questions", headers=therapist).json()
    assert [q["uid"] for q in inbox] == [body["uid"]]
    with django_capture_on_commit_callbacks(execute=True):
        answered = post(
            client,
            f"/api/v1/questions/{body['uid']}/answer",
            {"answer": "Swedish with some trigger-point work."},
            therapist,
        )
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert mail.outbox[-1].to == ["visitor@example.test"]
    assert "trigger-point" in mail.outbox[-1].body

    published = post(client, f"/api/v1/questions/{body['uid']}/publish", {}, therapist)
    assert published.status_code == 200 and published.json()["published"] is True
    faq = client.get(f"/api/v1/therapists/{ben.uid}/faq").json()
    assert faq == [
        {
            "question": QUESTION,
            "answer": "Swedish with some trigger-point work.",
            "published_at": faq[0]["published_at"],
        }
    ]
    hidden = post(
        client, f"/api/v1/questions/{body['uid']}/publish", {"published": False}, therapist
    )
    assert hidden.json()["published"] is False
    assert client.get(f"/api/v1/therapists/{ben.uid}/faq").json() == []


def test_a_signed_in_asker_lists_their_own_questions(client, ben, client_user, other_client_user):
    mine = ask(client, ben, headers=bearer(client, client_user), email="")
    assert mine.status_code == 201 and mine.json()["private_url"] is None
    assert Question.objects.get().asker_email == client_user.email
    listed = client.get("/api/v1/questions", headers=bearer(client, client_user)).json()
    assert [q["uid"] for q in listed] == [mine.json()["uid"]]
    assert client.get("/api/v1/questions", headers=bearer(client, other_client_user)).json() == []
    uid = mine.json()["uid"]
    assert (
        client.get(f"/api/v1/questions/{uid}", headers=bearer(client, client_user)).status_code
        == 200
    )
    other = client.get(f"/api/v1/questions/{uid}", headers=bearer(client, other_client_user))
    assert other.status_code == 404 and other.json()["code"] == "not_found"


def test_only_the_therapist_asked_may_answer_or_publish(client, ben, practice, client_user):
    kai = make_therapist(practice, "kai-ito")
    uid = ask(client, ben).json()["uid"]
    for who in (client_user, kai.user):
        headers = bearer(client, who)
        assert (
            post(client, f"/api/v1/questions/{uid}/answer", {"answer": "x"}, headers).status_code
            == 404
        )
        assert post(client, f"/api/v1/questions/{uid}/publish", {}, headers).status_code == 404
    assert post(client, f"/api/v1/questions/{uid}/answer", {"answer": "x"}).status_code == 401
    assert Question.objects.get().answer == ""


def test_publishing_needs_consent_and_an_answer(client, ben):
    therapist = bearer(client, ben.user)
    consented = ask(client, ben, consent_to_publish=True).json()["uid"]
    refused = post(client, f"/api/v1/questions/{consented}/publish", {}, therapist)
    assert refused.status_code == 409 and refused.json()["code"] == "open"
    private = ask(client, ben, ip="198.51.100.3", email="b@example.test").json()["uid"]
    post(client, f"/api/v1/questions/{private}/answer", {"answer": "Yes."}, therapist)
    refused = post(client, f"/api/v1/questions/{private}/publish", {}, therapist)
    assert refused.status_code == 409 and refused.json()["code"] == "no_consent"
    assert not Question.objects.filter(published_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"question": "short"}, "too_short", "question"),
        ({"email": "nobody"}, "invalid_email", "email"),
        ({"email": ""}, "invalid_email", "email"),
        ({"question": "x " * 1001}, "too_long", "question"),
    ],
)
def test_bad_questions_are_422_and_not_stored(client, ben, fields, code, field):
    response = ask(client, ben, **fields)
    assert response.status_code == 422
    assert response.json()["code"] == code and response.json()["field"] == field
    assert not Question.objects.exists()


def test_unknown_topic_and_honeypot_are_refused(client, ben):
    bad_topic = ask(client, ben, topic="gossip")
    assert bad_topic.status_code == 422 and bad_topic.json()["code"] == "invalid"
    spam = ask(client, ben, website="http://spam.example")
    assert spam.status_code == 400 and spam.json()["code"] == "rejected"
    assert not Question.objects.exists()
    unknown = post(client, "/api/v1/therapists/nobody/questions", {"question": QUESTION})
    assert unknown.status_code == 404


def test_asking_is_rate_limited_per_ip_and_per_email(client, ben):
    per_ip = int(ASK_RATE_PER_IP.split("/")[0])
    for n in range(per_ip):
        assert ask(client, ben, email=f"v{n}@example.test").status_code == 201
    limited = ask(client, ben, email="fresh@example.test")
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"

    per_email = int(ASK_RATE_PER_EMAIL.split("/")[0])
    for n in range(per_email):
        assert (
            ask(client, ben, ip=f"198.51.100.{n + 10}", email="same@example.test").status_code
            == 201
        )
    assert ask(client, ben, ip="198.51.100.99", email="same@example.test").status_code == 429
    assert Question.objects.count() == per_ip + per_email
