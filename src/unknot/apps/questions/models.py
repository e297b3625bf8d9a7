"""Questions a visitor asks a therapist before booking, and the therapist's answers.

A question belongs to the therapist it was asked of and to the person who asked: a signed-in
account, or an email address with a private link (an HMAC of the question's uid, never
stored). It may be published on the therapist's profile as a FAQ only when the asker agreed
to that when asking, and only once it is answered; the asker's name never appears there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from unknot.common.models import TimeStampedModel, new_uid
from unknot.common.validators import validate_plain_text

BODY_MIN = 10
BODY_MAX = 2000
ANSWER_MAX = 4000
NAME_MAX = 80


class QuestionTopic(models.TextChoices):
    TRAINING = "training", "Their training and experience"
    STYLES = "styles", "Styles and techniques"
    SUITABILITY = "suitability", "What would suit my back"
    OTHER = "other", "Something else"


class QuestionStatus(models.TextChoices):
    OPEN = "open", "Waiting for an answer"
    ANSWERED = "answered", "Answered"
    DISMISSED = "dismissed", "Dismissed"


class Question(TimeStampedModel):
    uid = models.CharField(max_length=32, unique=True, default=new_uid, editable=False)
    therapist = models.ForeignKey(
        "therapists.Therapist", on_delete=models.CASCADE, related_name="questions"
    )
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions_asked",
        help_text="Empty when a visitor asked without signing in.",
    )
    asker_email = models.EmailField(help_text="Where the answer is sent.")
    asker_name = models.CharField(max_length=NAME_MAX, blank=True, validators=[validate_plain_text])
    topic = models.CharField(
        max_length=16, choices=QuestionTopic.choices, default=QuestionTopic.OTHER
    )
    body = models.TextField()
    consent_to_publish = models.BooleanField(
        default=False,
        help_text="The asker agreed that the question and answer may appear on the profile.",
    )
    status = models.CharField(
        max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.OPEN
    )
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["therapist", "status", "-created_at"], name="question_inbox"),
            models.Index(fields=["asker", "-created_at"], name="question_asker"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in QuestionStatus]),
                name="question_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(topic__in=[t.value for t in QuestionTopic]),
                name="question_topic_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | (~Q(answer="") & Q(answered_at__isnull=False)),
                name="question_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True)
                | (Q(consent_to_publish=True) & Q(status="answered")),
                name="question_published_only_with_consent",
                violation_error_message=(
                    "Only an answered question whose asker agreed to publication can be published."
                ),
            ),
            models.CheckConstraint(condition=~Q(body=""), name="question_body_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Question {self.uid} to {self.therapist}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def asker_display(self) -> str:
        return self.asker_name or "A visitor"

    @property
    def topic_label(self) -> str:
        return self.get_topic_display() if self.topic != QuestionTopic.OTHER else ""

    @property
    def can_publish(self) -> bool:
        return self.consent_to_publish and self.status == QuestionStatus.ANSWERED
