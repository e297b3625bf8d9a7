"""Asking a therapist (from the profile), the therapist's portal, and the asker's pages.

Every form works as a plain POST; with htmx the same view answers with the fragment to swap.
htmx leaves 4xx responses unswapped, so a fragment with errors comes back as 200 to an htmx
request and as 400 (or 429) to a plain one; either way nothing is stored.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from unknot.apps.questions.access import (
    access_question_by_link,
    access_question_for_therapist,
)
from unknot.apps.questions.errors import QuestionRefused
from unknot.apps.questions.forms import AnswerForm, ask_form
from unknot.apps.questions.models import QuestionStatus
from unknot.apps.questions.ratelimits import ask_rate_limited
from unknot.apps.questions.selectors import (
    private_path,
    questions_asked_by,
    therapist_inbox,
)
from unknot.apps.questions.services import (
    question_answer,
    question_ask,
    question_dismiss,
    question_set_published,
)
from unknot.apps.therapists.access import access_own_therapist_profile
from unknot.apps.therapists.models import Therapist

log = logging.getLogger(__name__)

RATE_LIMITED = "You have asked several questions in a short time. Please try again later."
FORM_FIELDS = {"question": "question", "email": "email", "name": "name", "topic": "topic"}


def _partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def _error_status(request: HttpRequest, status: int) -> int:
    return 200 if _partial(request) else status


def _therapist_or_404(uid: str) -> Therapist:
    therapist = Therapist.objects.filter(uid=uid, is_active=True).first()
    if therapist is None:
        raise Http404("No such therapist.")
    return therapist


# --- asking -------------------------------------------------------------------------------


def _ask_form_response(request, therapist, form, *, status: int, error: str = "") -> HttpResponse:
    context = {"therapist": therapist, "form": form, "error": error}
    if _partial(request):
        return render(request, "questions/partials/ask_form.html", context, status=200)
    return render(request, "questions/ask.html", context, status=status)


@require_POST
def ask(request: HttpRequest, therapist_uid: str) -> HttpResponse:
    """A visitor's question from the profile page (or this page, without JavaScript)."""
    therapist = _therapist_or_404(therapist_uid)
    signed_in = request.user.is_authenticated
    form = ask_form(request.POST, signed_in=signed_in)
    if form.is_spam:
        # Answer as if accepted, so a bot learns nothing; store and send nothing.
        log.info("question to %s dropped by the honeypot", therapist.uid)
        return _asked(request, therapist, link=None)
    email = request.user.email if signed_in else request.POST.get("email", "")
    if ask_rate_limited(request, email=email):
        return _ask_form_response(
            request, therapist, form, status=_error_status(request, 429), error=RATE_LIMITED
        )
    if not form.is_valid():
        return _ask_form_response(request, therapist, form, status=_error_status(request, 400))
    data = form.cleaned_data
    try:
        question = question_ask(
            therapist=therapist,
            body=data["question"],
            asker=request.user if signed_in else None,
            email=data.get("email", ""),
            name=data["name"],
            topic=data["topic"],
            consent_to_publish=data["consent"],
            now=timezone.now(),
        )
    except QuestionRefused as refusal:
        form.add_error(FORM_FIELDS.get(refusal.field or ""), refusal.message)
        return _ask_form_response(request, therapist, form, status=_error_status(request, 400))
    link = None if question.asker_id else private_path(question)
    return _asked(request, therapist, link=link, signed_in=signed_in)


def _asked(request, therapist, *, link: str | None, signed_in: bool = False) -> HttpResponse:
    context = {"therapist": therapist, "link": link, "signed_in": signed_in}
    if _partial(request):
        return render(request, "questions/partials/asked.html", context)
    messages.success(
        request, f"Thank you: your question is on its way to {therapist.display_name}."
    )
    if link:
        return redirect(link)
    if signed_in:
        return redirect("questions:mine")
    return redirect("therapists:profile", slug=therapist.slug)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """My questions: everything the signed-in person asked, with the answers."""
    return render(
        request, "questions/mine.html", {"questions": questions_asked_by(user=request.user)}
    )


@require_GET
def private(request: HttpRequest, uid: str, token: str) -> HttpResponse:
    """The private page of a question asked without an account."""
    question = access_question_by_link(uid, token)
    response = render(request, "questions/private.html", {"question": question})
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- the therapist's portal ---------------------------------------------------------------


@login_required
@require_GET
def portal_inbox(request: HttpRequest) -> HttpResponse:
    therapist = access_own_therapist_profile(request.user)
    status = request.GET.get("status", "")
    if status not in QuestionStatus.values:
        status = ""
    return render(
        request,
        "questions/portal_inbox.html",
        {
            "therapist": therapist,
            "questions": therapist_inbox(therapist=therapist, status=status or None),
            "status": status,
            "statuses": QuestionStatus.choices,
        },
    )


def _portal_question(request, question, *, form=None, notice: str = "", status: int = 200):
    context = {
        "question": question,
        "form": form or AnswerForm(initial={"answer": question.answer}),
        "notice": notice,
    }
    if _partial(request):
        return render(request, "questions/partials/portal_question.html", context, status=200)
    return render(request, "questions/portal_detail.html", context, status=status)


@login_required
def portal_detail(request: HttpRequest, uid: str) -> HttpResponse:
    """One question: read it, answer it (or correct the answer)."""
    question = access_question_for_therapist(request.user, uid)
    if request.method != "POST":
        return _portal_question(request, question)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _portal_question(request, question, form=form, status=_error_status(request, 400))
    first = question.status == QuestionStatus.OPEN
    try:
        question = question_answer(
            question=question, answer=form.cleaned_data["answer"], now=timezone.now()
        )
    except QuestionRefused as refusal:
        form.add_error("answer", refusal.message)
        return _portal_question(request, question, form=form, status=_error_status(request, 400))
    notice = "Answer sent." if first else "Answer updated."
    if _partial(request):
        return _portal_question(request, question, notice=notice)
    messages.success(request, notice)
    return redirect("questions:portal_detail", uid=question.uid)


@login_required
@require_POST
def portal_publish(request: HttpRequest, uid: str) -> HttpResponse:
    """Publish the answered question on the profile (with consent), or take it off."""
    question = access_question_for_therapist(request.user, uid)
    published = request.POST.get("published") == "1"
    try:
        question = question_set_published(
            question=question, published=published, now=timezone.now()
        )
    except QuestionRefused as refusal:
        if _partial(request):
            return _portal_question(request, question, notice=refusal.message)
        messages.error(request, refusal.message)
        return redirect("questions:portal_detail", uid=question.uid)
    notice = "Published on your profile." if published else "Taken off your profile."
    if _partial(request):
        return _portal_question(request, question, notice=notice)
    messages.success(request, notice)
    return redirect("questions:portal_detail", uid=question.uid)


@login_required
@require_POST
def portal_dismiss(request: HttpRequest, uid: str) -> HttpResponse:
    question = access_question_for_therapist(request.user, uid)
    try:
        question_dismiss(question=question, now=timezone.now())
    except QuestionRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("questions:portal_detail", uid=question.uid)
    messages.success(request, "Question dismissed.")
    return redirect("questions:portal_inbox")
