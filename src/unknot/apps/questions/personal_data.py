"""The questions a client asked (registered with ``records.registry``)."""

from __future__ import annotations

import datetime as dt

from unknot.apps.questions.models import Question
from unknot.apps.records.registry import PersonalData, register


def _iso(value):
    return value.isoformat() if value is not None else None


def export_questions(user) -> list[dict]:
    return [
        {
            "uid": q.uid,
            "asked_at": _iso(q.created_at),
            "topic": q.topic,
            "question": q.body,
            "answer": q.answer,
            "may_be_published": q.consent_to_publish,
            "published_at": _iso(q.published_at),
        }
        for q in Question.objects.filter(asker=user).order_by("created_at")
    ]


def close_questions(user, *, email: str, now: dt.datetime) -> int:
    """Private questions go; published ones (shared with consent) stay, with no name or email."""
    from unknot.apps.records.services import closed_email

    asked = Question.objects.filter(asker=user)
    gone = asked.filter(published_at__isnull=True).delete()[0]
    kept = asked.update(asker=None, asker_name="", asker_email=closed_email(user))
    return gone + kept


def register_questions() -> None:
    register(
        PersonalData(
            "questions",
            "Your questions",
            export_questions,
            on_close=close_questions,
            models=("questions.Question",),
            erased="your private questions and their answers",
            pseudonymised=(
                "the questions you allowed to be published as FAQ, with your name and email "
                "address removed"
            ),
        )
    )
