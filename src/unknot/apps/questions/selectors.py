"""Reads: a therapist's inbox, an asker's questions, a profile's FAQ, the asker's link."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils.crypto import salted_hmac

from unknot.apps.questions.models import Question, QuestionStatus

LINK_SALT = "unknot.questions.private-link"


def question_by_uid(uid: str) -> Question | None:
    return Question.objects.select_related("therapist__user", "asker").filter(uid=uid).first()


def therapist_inbox(*, therapist, status: str | None = None) -> QuerySet[Question]:
    """Questions to ``therapist``: open ones first, newest first within each group."""
    qs = Question.objects.filter(therapist=therapist).select_related("therapist")
    if status:
        qs = qs.filter(status=status)
    order = Case(
        When(status=QuestionStatus.OPEN, then=Value(0)),
        When(status=QuestionStatus.ANSWERED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.order_by(order, "-created_at", "-id")


def open_count(*, therapist) -> int:
    return Question.objects.filter(therapist=therapist, status=QuestionStatus.OPEN).count()


def questions_asked_by(*, user) -> QuerySet[Question]:
    """The signed-in person's own questions, newest first.

    Only questions asked while signed in: an email typed into the anonymous form proves
    nothing about who owns it, so those stay behind their private links.
    """
    return (
        Question.objects.filter(asker=user)
        .exclude(status=QuestionStatus.DISMISSED)
        .select_related("therapist")
        .order_by("-created_at", "-id")
    )


def therapist_faq(*, therapist) -> QuerySet[Question]:
    """Published questions and answers, shown on the profile without the asker's name."""
    return Question.objects.filter(
        therapist=therapist, published_at__isnull=False, status=QuestionStatus.ANSWERED
    ).order_by("-published_at", "-id")


def private_token(question: Question) -> str:
    """The secret in an anonymous asker's link: an HMAC of the uid, never stored."""
    return salted_hmac(LINK_SALT, question.uid, algorithm="sha256").hexdigest()[:40]


def private_path(question: Question) -> str:
    return reverse("questions:private", args=[question.uid, private_token(question)])


def asker_link(question: Question) -> str:
    """Where the asker reads the answer: "My questions" if signed in, else the private link."""
    if question.asker_id:
        path = reverse("questions:mine") + f"#q-{question.uid}"
    else:
        path = private_path(question)
    return settings.SITE_URL.rstrip("/") + path
