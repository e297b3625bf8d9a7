"""Writes: ask, answer, publish or unpublish, dismiss. Each atomic; each change is announced
with ``question_changed`` once committed (notifications send the emails)."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from unknot.apps.questions import signals
from unknot.apps.questions.errors import QuestionRefused
from unknot.apps.questions.models import (
    ANSWER_MAX,
    BODY_MAX,
    BODY_MIN,
    NAME_MAX,
    Question,
    QuestionStatus,
    QuestionTopic,
)
from unknot.common.validators import plain_text_problem

MAX_LINKS = 2
LINK = re.compile(r"(https?://|www\.)", re.IGNORECASE)


def _announce(kind: str, question: Question) -> None:
    transaction.on_commit(
        lambda: signals.question_changed.send(sender=Question, kind=kind, question=question)
    )


def clean_question_text(body: str) -> str:
    """Trimmed text within the length limits and with at most two links; else refused."""
    body = (body or "").replace("\r\n", "\n").strip()
    if len(body) < BODY_MIN:
        raise QuestionRefused(
            f"Please write at least {BODY_MIN} characters.", code="too_short", field="question"
        )
    if len(body) > BODY_MAX:
        raise QuestionRefused(
            f"Please keep your question under {BODY_MAX} characters.",
            code="too_long",
            field="question",
        )
    if len(LINK.findall(body)) > MAX_LINKS:
        raise QuestionRefused(
            "Please leave out the links: the therapist answers questions, not web pages.",
            code="too_many_links",
            field="question",
        )
    return body


def question_ask(
    *,
    therapist,
    body: str,
    now: dt.datetime,
    asker=None,
    email: str = "",
    name: str = "",
    topic: str = QuestionTopic.OTHER,
    consent_to_publish: bool = False,
) -> Question:
    """Record a question to ``therapist``. Signed-in askers answer to their account's email.

    Raises:
        QuestionRefused: the therapist is not active, or the text, email, name or topic is
            not acceptable. Nothing is stored.
    """
    if not therapist.is_active:
        raise QuestionRefused(
            "This therapist is not taking questions.", code="not_available", field="therapist"
        )
    body = clean_question_text(body)
    if asker is not None and asker.is_authenticated:
        email = asker.email
    else:
        asker = None
        email = (email or "").strip().lower()
        try:
            validate_email(email)
        except ValidationError as error:
            raise QuestionRefused(
                "Enter the email address the answer should go to.",
                code="invalid_email",
                field="email",
            ) from error
    name = (name or "").strip()
    if len(name) > NAME_MAX:
        raise QuestionRefused(
            f"Please keep your name under {NAME_MAX} characters.", code="too_long", field="name"
        )
    problem = plain_text_problem(name)
    if problem is not None:
        raise QuestionRefused(problem, code="invisible_character", field="name")
    if topic not in QuestionTopic.values:
        raise QuestionRefused("Choose one of the topics.", code="invalid_topic", field="topic")
    with transaction.atomic():
        question = Question.objects.create(
            therapist=therapist,
            asker=asker,
            asker_email=email,
            asker_name=name,
            topic=topic,
            body=body,
            consent_to_publish=bool(consent_to_publish),
        )
        _announce("asked", question)
    return question


def question_answer(*, question: Question, answer: str, now: dt.datetime) -> Question:
    """Answer (or correct the answer to) a question. The asker is emailed the first time.

    Raises:
        QuestionRefused: empty or too long, or the question was dismissed.
    """
    answer = (answer or "").replace("\r\n", "\n").strip()
    if not answer:
        raise QuestionRefused("Write an answer first.", code="empty", field="answer")
    if len(answer) > ANSWER_MAX:
        raise QuestionRefused(
            f"Please keep the answer under {ANSWER_MAX} characters.",
            code="too_long",
            field="answer",
        )
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question.status == QuestionStatus.DISMISSED:
            raise QuestionRefused("This question was dismissed.", code="dismissed")
        first = question.status == QuestionStatus.OPEN
        question.answer = answer
        question.status = QuestionStatus.ANSWERED
        if first:
            question.answered_at = now
        question.save(update_fields=["answer", "status", "answered_at", "updated_at"])
        if first:
            _announce("answered", question)
    return question


def question_set_published(*, question: Question, published: bool, now: dt.datetime) -> Question:
    """Show the answered question on the therapist's profile, or take it off.

    Raises:
        QuestionRefused: publishing without the asker's consent, or before answering.
    """
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        if published:
            if not question.consent_to_publish:
                raise QuestionRefused(
                    "The person who asked did not agree to publication.", code="no_consent"
                )
            if question.status != QuestionStatus.ANSWERED:
                raise QuestionRefused("Answer the question before publishing it.", code="open")
            if question.published_at is None:
                question.published_at = now
        else:
            question.published_at = None
        question.save(update_fields=["published_at", "updated_at"])
        _announce("published" if published else "unpublished", question)
    return question


def question_dismiss(*, question: Question, now: dt.datetime) -> Question:
    """Set aside an open question without answering (spam, or asked by mistake)."""
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question.status != QuestionStatus.OPEN:
            raise QuestionRefused("Only an open question can be dismissed.", code="not_open")
        question.status = QuestionStatus.DISMISSED
        question.save(update_fields=["status", "updated_at"])
    return question
