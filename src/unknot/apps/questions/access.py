"""The one door to each question. Deny by default; 404, never 403."""

from __future__ import annotations

from django.http import Http404
from django.utils.crypto import constant_time_compare

from unknot.apps.questions.models import Question
from unknot.apps.questions.selectors import private_token, question_by_uid
from unknot.apps.therapists.access import access_own_therapist_profile


def access_question_for_therapist(user, uid: str) -> Question:
    """A question asked of the signed-in therapist."""
    therapist = access_own_therapist_profile(user)
    question = question_by_uid(uid)
    if question is None or question.therapist_id != therapist.pk:
        raise Http404("No such question.")
    return question


def access_question_for_asker(user, uid: str) -> Question:
    """A question the signed-in person asked."""
    if not user.is_authenticated:
        raise Http404("No such question.")
    question = question_by_uid(uid)
    if question is None or question.asker_id != user.pk:
        raise Http404("No such question.")
    return question


def access_question_for_reader(user, uid: str) -> Question:
    """For the API: the asker or the therapist it was asked of."""
    if not user.is_authenticated:
        raise Http404("No such question.")
    question = question_by_uid(uid)
    if question is None:
        raise Http404("No such question.")
    if question.asker_id == user.pk or question.therapist.user_id == user.pk:
        return question
    raise Http404("No such question.")


def access_question_by_link(uid: str, token: str) -> Question:
    """A question through its private link (uid and token), for askers without an account."""
    question = question_by_uid(uid)
    if question is None or not constant_time_compare(token, private_token(question)):
        raise Http404("No such question.")
    return question
