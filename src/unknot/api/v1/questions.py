"""Questions to therapists: ask (signed in or not), list mine, answer, publish; public FAQ.

POST /therapists/{uid}/questions   anyone; rate-limited per IP and per email
GET  /questions                    the caller's: questions asked, or a therapist's inbox
GET  /questions/{uid}              the asker or the therapist
POST /questions/{uid}/answer       the therapist
POST /questions/{uid}/publish      the therapist; only with the asker's consent
GET  /therapists/{uid}/faq         anyone: the published questions and answers
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.utils import check_csrf
from pydantic import Field

from unknot.api.auth import BearerToken, signed_in
from unknot.api.errors import ApiError
from unknot.api.fields import PlainText
from unknot.apps.questions.access import access_question_for_reader
from unknot.apps.questions.errors import QuestionRefused
from unknot.apps.questions.models import ANSWER_MAX, BODY_MAX, NAME_MAX, Question, QuestionTopic
from unknot.apps.questions.ratelimits import ask_rate_limited
from unknot.apps.questions.selectors import (
    asker_link,
    questions_asked_by,
    therapist_faq,
    therapist_inbox,
)
from unknot.apps.questions.services import question_answer, question_ask, question_set_published
from unknot.apps.therapists.models import Therapist

router = Router(tags=["questions"])


class Anonymous:
    """The auth result for a visitor without an account (truthy, so ninja lets them in)."""

    is_authenticated = False


def anyone(request: HttpRequest):
    """A bearer token or a signed-in session (with CSRF) if given; otherwise a visitor."""
    if request.headers.get("Authorization"):
        user = BearerToken()(request)
        if user is None:
            raise AuthenticationError()
        return user
    if request.user.is_authenticated:
        if check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed.")
        return request.user
    return Anonymous()


class TherapistRef(Schema):
    uid: str
    name: str


class QuestionIn(Schema):
    question: str = Field(max_length=BODY_MAX + 200)
    topic: QuestionTopic = QuestionTopic.OTHER
    email: str = Field(default="", max_length=254, description="Required without an account.")
    name: PlainText = Field(default="", max_length=NAME_MAX)
    consent_to_publish: bool = Field(
        default=False, description="The therapist may publish it with the answer, nameless."
    )
    website: str = Field(default="", max_length=200, description="Leave empty.")


class QuestionOut(Schema):
    uid: str
    therapist: TherapistRef
    topic: str
    question: str
    asker_name: str
    status: str
    answer: str
    answered_at: dt.datetime | None
    consent_to_publish: bool
    published: bool
    created_at: dt.datetime


class AskedOut(QuestionOut):
    private_url: str | None = Field(
        description="Asked without an account: the private page where the answer appears."
    )


class AnswerIn(Schema):
    answer: str = Field(min_length=1, max_length=ANSWER_MAX)


class PublishIn(Schema):
    published: bool = True


class FaqOut(Schema):
    question: str
    answer: str
    published_at: dt.datetime


def question_out(question: Question) -> QuestionOut:
    return QuestionOut(
        uid=question.uid,
        therapist=TherapistRef(uid=question.therapist.uid, name=question.therapist.display_name),
        topic=question.topic,
        question=question.body,
        asker_name=question.asker_name,
        status=question.status,
        answer=question.answer,
        answered_at=question.answered_at,
        consent_to_publish=question.consent_to_publish,
        published=question.is_published,
        created_at=question.created_at,
    )


def _refused(refusal: QuestionRefused, status: int = 422) -> ApiError:
    extra = {"field": refusal.field} if refusal.field else {}
    return ApiError(status, refusal.code, refusal.message, **extra)


def _therapist(uid: str) -> Therapist:
    therapist = Therapist.objects.filter(uid=uid, is_active=True).first()
    if therapist is None:
        raise ApiError(404, "not_found", "No such therapist.")
    return therapist


@router.post("/therapists/{uid}/questions", response={201: AskedOut}, auth=anyone)
def ask(request: HttpRequest, uid: str, payload: QuestionIn):
    """Ask a therapist a question. Without an account, give the email the answer goes to.

    201 with the question (and, without an account, its private page); 422 for bad input;
    429 ``rate_limited`` after several questions from one address or email in a short time.
    """
    therapist = _therapist(uid)
    person = request.auth if getattr(request.auth, "is_authenticated", False) else None
    if payload.website.strip():
        raise ApiError(400, "rejected", "This question was not accepted.")
    email = person.email if person else payload.email
    if ask_rate_limited(request, email=email):
        raise ApiError(
            429, "rate_limited", "Too many questions in a short time. Please try again later."
        )
    try:
        question = question_ask(
            therapist=therapist,
            body=payload.question,
            asker=person,
            email=payload.email,
            name=payload.name,
            topic=payload.topic,
            consent_to_publish=payload.consent_to_publish,
            now=timezone.now(),
        )
    except QuestionRefused as refusal:
        raise _refused(refusal) from refusal
    out = question_out(question).dict()
    return Status(
        201, AskedOut(**out, private_url=None if question.asker_id else asker_link(question))
    )


@router.get("/questions", response=list[QuestionOut], auth=signed_in)
def list_questions(
    request: HttpRequest, box: Literal["asked", "inbox"] | None = None, status: str | None = None
):
    """Your questions. A therapist gets their inbox by default (``box=asked`` for their own
    questions); anyone else gets the questions they asked."""
    user = request.user
    therapist = Therapist.objects.filter(user=user).first() if user.is_therapist else None
    if box is None:
        box = "inbox" if therapist else "asked"
    if box == "inbox":
        if therapist is None:
            raise ApiError(403, "therapists_only", "Only therapists have an inbox.")
        qs = therapist_inbox(therapist=therapist, status=status or None)
    else:
        qs = questions_asked_by(user=user)
        if status:
            qs = qs.filter(status=status)
    return [question_out(q) for q in qs.select_related("therapist")[:200]]


@router.get("/questions/{uid}", response=QuestionOut, auth=signed_in)
def get_question(request: HttpRequest, uid: str):
    return question_out(access_question_for_reader(request.user, uid))


def _own_inbox_question(user, uid: str) -> Question:
    question = access_question_for_reader(user, uid)
    if question.therapist.user_id != user.pk:
        raise ApiError(404, "not_found", "No such question.")
    return question


@router.post("/questions/{uid}/answer", response=QuestionOut, auth=signed_in)
def answer(request: HttpRequest, uid: str, payload: AnswerIn):
    """The therapist answers (or corrects the answer). The asker is emailed the first time."""
    question = _own_inbox_question(request.user, uid)
    try:
        question = question_answer(question=question, answer=payload.answer, now=timezone.now())
    except QuestionRefused as refusal:
        raise _refused(refusal, 409 if refusal.code == "dismissed" else 422) from refusal
    return question_out(question)


@router.post("/questions/{uid}/publish", response=QuestionOut, auth=signed_in)
def publish(request: HttpRequest, uid: str, payload: PublishIn | None = None):
    """Publish the answered question on the therapist's profile, or (``published: false``)
    take it off. 409 ``no_consent`` when the asker did not agree, ``open`` before answering."""
    question = _own_inbox_question(request.user, uid)
    published = True if payload is None else payload.published
    try:
        question = question_set_published(
            question=question, published=published, now=timezone.now()
        )
    except QuestionRefused as refusal:
        raise _refused(refusal, 409) from refusal
    return question_out(question)


@router.get("/therapists/{uid}/faq", response=list[FaqOut], auth=None)
def faq(request: HttpRequest, uid: str):
    """The questions and answers a therapist published, newest first, without names."""
    therapist = _therapist(uid)
    return [
        FaqOut(question=q.body, answer=q.answer, published_at=q.published_at)
        for q in therapist_faq(therapist=therapist)
    ]
