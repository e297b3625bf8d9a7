"""Asking from the profile, answering in the portal, reading the answer; limits and spam."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.apps.questions.conftest import SITE
from unknot.apps.questions.models import Question, QuestionStatus
from unknot.apps.questions.ratelimits import ASK_RATE_PER_EMAIL, ASK_RATE_PER_IP
from unknot.apps.questions.selectors import private_path

pytestmark = pytest.mark.django_db

QUESTION = "Have you trained in working with a stiff lower back after long desk days?"


def ask(client, therapist, *, ip="203.0.113.7", captured=None, **fields):
    data = {
        "topic": "suitability",
        "question": QUESTION,
        "email": "visitor@example.test",
        "name": "Sam",
        "website": "",
        **fields,
    }
    return client.post(
        reverse("questions:ask", args=[therapist.uid]), data, REMOTE_ADDR=ip, **(captured or {})
    )


@pytest.fixture
def asks(client, django_capture_on_commit_callbacks):
    """Ask and run the on-commit effects (the therapist's email)."""

    def run(therapist, **kw):
        with django_capture_on_commit_callbacks(execute=True):
            return ask(client, therapist, **kw)

    return run


def test_the_profile_shows_the_ask_form(client, ben):
    html = client.get(reverse("therapists:profile", args=[ben.slug])).content.decode()
    assert "Ask Ben Carter a question" in html
    assert f'action="/questions/ask/{ben.uid}/"' in html
    assert 'name="website"' in html and 'aria-hidden="true"' in html


def test_a_visitor_asks_and_the_therapist_is_told(client, ben, asks):
    response = asks(ben, consent="on")
    question = Question.objects.get()
    assert response.status_code == 302
    assert response["Location"] == private_path(question)
    assert question.asker is None and question.asker_email == "visitor@example.test"
    assert question.consent_to_publish is True and question.status == QuestionStatus.OPEN
    (message,) = mail.outbox
    assert message.to == [ben.user.email]
    assert message.subject == "A new question for you on Unknot"
    assert "desk days" not in message.subject
    assert QUESTION in message.body
    assert f"{SITE}/therapist/questions/{question.uid}/" in message.body
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Waiting for an answer" in page.content.decode()
    assert page["Referrer-Policy"] == "no-referrer"


def test_the_therapist_answers_and_the_visitor_reads_it(
    client, ben, asks, django_capture_on_commit_callbacks
):
    asks(ben)
    question = Question.objects.get()
    mail.outbox.clear()
    client.force_login(ben.user)
    inbox = client.get(reverse("questions:portal_inbox")).content.decode()
    assert QUESTION in inbox
    url = reverse("questions:portal_detail", args=[question.uid])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"answer": "Yes: I trained in myofascial work for desks."})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED and question.answered_at
    (message,) = mail.outbox
    assert message.to == ["visitor@example.test"]
    assert message.subject == "Ben Carter answered your question"
    assert "myofascial" in message.body
    link = re.search(r"https://unknot\.example(/questions/private/\S+/)", message.body).group(1)
    client.logout()
    assert "myofascial" in client.get(link).content.decode()

    # Correcting the answer does not email the visitor again.
    client.force_login(ben.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"answer": "Yes: I trained in myofascial release for desk workers."})
    assert len(mail.outbox) == 1


def test_a_signed_in_client_finds_the_answer_under_my_questions(
    client, ben, client_user, asks, django_capture_on_commit_callbacks
):
    client.force_login(client_user)
    response = asks(ben, email="")
    assert response.status_code == 302 and response["Location"] == reverse("questions:mine")
    question = Question.objects.get()
    assert question.asker == client_user and question.asker_email == client_user.email
    client.force_login(ben.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("questions:portal_detail", args=[question.uid]), {"answer": "Gentle Swedish."}
        )
    assert mail.outbox[-1].to == [client_user.email]
    assert f"{SITE}/questions/mine/#q-{question.uid}" in mail.outbox[-1].body
    client.force_login(client_user)
    mine = client.get(reverse("questions:mine")).content.decode()
    assert "Gentle Swedish." in mine and QUESTION in mine


def test_the_honeypot_drops_the_question_quietly(client, ben, asks):
    response = asks(ben, website="http://spam.example")
    assert response.status_code == 302
    assert Question.objects.count() == 0
    assert mail.outbox == []
    htmx = asks(ben, website="cheap pills", captured={"HTTP_HX_REQUEST": "true"})
    assert htmx.status_code == 200 and "on its way" in htmx.content.decode()
    assert Question.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"question": "Hi?"}, "at least 10 characters"),
        ({"question": "x" * 2001}, "at most 2000 characters"),
        ({"email": "not-an-email"}, "valid email"),
        ({"topic": "gossip"}, "valid choice"),
        (
            {"question": "See http://a.example http://b.example http://c.example now"},
            "leave out the links",
        ),
    ],
)
def test_bad_questions_are_refused_and_nothing_is_stored(client, ben, fields, problem):
    response = ask(client, ben, **fields)
    assert response.status_code == 400
    assert problem in response.content.decode()
    assert Question.objects.count() == 0


def test_asking_is_rate_limited_per_address(client, ben):
    allowed = int(ASK_RATE_PER_IP.split("/")[0])
    for n in range(allowed):
        assert ask(client, ben, email=f"v{n}@example.test").status_code == 302
    response = ask(client, ben, email="another@example.test")
    assert response.status_code == 429
    assert "try again later" in response.content.decode()
    assert Question.objects.count() == allowed
    assert ask(client, ben, email="another@example.test", ip="198.51.100.1").status_code == 302


def test_asking_is_rate_limited_per_email(client, ben):
    allowed = int(ASK_RATE_PER_EMAIL.split("/")[0])
    for n in range(allowed):
        assert ask(client, ben, ip=f"198.51.100.{n + 1}").status_code == 302
    assert ask(client, ben, ip="198.51.100.200").status_code == 429
    assert ask(client, ben, ip="198.51.100.200", email="VISITOR@example.test").status_code == 429
    assert Question.objects.count() == allowed


def test_publishing_needs_consent_and_shows_no_names_or_links(
    client, ben, asks, django_capture_on_commit_callbacks
):
    asks(ben, consent="on", question="<script>alert(1)</script> Do you use http://x.example oils?")
    asks(ben, name="Private Pat", question="Can you help with my sore shoulders please?")
    consented, private = Question.objects.order_by("created_at", "id")
    client.force_login(ben.user)
    for q in (consented, private):
        client.post(
            reverse("questions:portal_detail", args=[q.uid]),
            {"answer": "Yes, see www.oils.example"},
        )
    refused = client.post(
        reverse("questions:portal_publish", args=[private.uid]), {"published": "1"}, follow=True
    )
    assert "did not agree to publication" in refused.content.decode()
    private.refresh_from_db()
    assert private.published_at is None
    client.post(reverse("questions:portal_publish", args=[consented.uid]), {"published": "1"})
    consented.refresh_from_db()
    assert consented.published_at is not None

    client.logout()
    html = client.get(reverse("therapists:profile", args=[ben.slug])).content.decode()
    faq = html[html.index('data-testid="faq"') :]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in faq and "<script>alert" not in faq
    assert 'href="http://x.example' not in faq and "http://x.example" in faq
    assert "www.oils.example" in faq and 'href="http://www.oils' not in faq
    assert "Sam" not in faq and "Private Pat" not in html and "sore shoulders" not in html

    client.force_login(ben.user)
    client.post(reverse("questions:portal_publish", args=[consented.uid]), {"published": "0"})
    client.logout()
    html = client.get(reverse("therapists:profile", args=[ben.slug])).content.decode()
    assert 'data-testid="faq"' not in html


def test_questions_stay_between_asker_and_therapist(client, ben, kai, client_user, asks):
    asks(ben)
    question = Question.objects.get()
    client.force_login(kai.user)
    assert client.get(reverse("questions:portal_detail", args=[question.uid])).status_code == 404
    assert (
        client.post(
            reverse("questions:portal_detail", args=[question.uid]), {"answer": "Mine now"}
        ).status_code
        == 404
    )
    assert QUESTION not in client.get(reverse("questions:portal_inbox")).content.decode()
    client.force_login(client_user)
    assert client.get(reverse("questions:portal_inbox")).status_code == 404
    assert QUESTION not in client.get(reverse("questions:mine")).content.decode()
    client.logout()
    wrong = reverse("questions:private", args=[question.uid, "0" * 40])
    assert client.get(wrong).status_code == 404


def test_a_therapist_can_dismiss_spam(client, ben, asks):
    asks(ben)
    question = Question.objects.get()
    client.force_login(ben.user)
    client.post(reverse("questions:portal_dismiss", args=[question.uid]))
    question.refresh_from_db()
    assert question.status == QuestionStatus.DISMISSED
    response = client.post(
        reverse("questions:portal_detail", args=[question.uid]), {"answer": "late"}
    )
    assert response.status_code == 400
    question.refresh_from_db()
    assert question.answer == ""


def test_with_htmx_the_form_and_the_answer_are_swapped_in_place(client, ben, asks):
    sent = asks(ben, captured={"HTTP_HX_REQUEST": "true"})
    assert sent.status_code == 200
    body = sent.content.decode()
    assert "<html" not in body and 'data-testid="private-link"' in body
    invalid = asks(ben, question="short", captured={"HTTP_HX_REQUEST": "true"})
    assert (
        "at least 10 characters" in invalid.content.decode()
        and "<html" not in invalid.content.decode()
    )
    question = Question.objects.get()
    client.force_login(ben.user)
    answered = client.post(
        reverse("questions:portal_detail", args=[question.uid]),
        {"answer": "Happy to help."},
        HTTP_HX_REQUEST="true",
    )
    assert answered.status_code == 200 and "Answer sent." in answered.content.decode()
    assert "<html" not in answered.content.decode()
