"""Guide pages: techniques, the evidence file, and the self-assessment.

The self-assessment is a few short steps, each a plain form POST that works without
JavaScript; with htmx the next step is swapped in place (the same view renders the partial).
A visitor's answers stay in their own session until a signed-in client saves the result.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, push_url

from unknot.apps.guide import drafts
from unknot.apps.guide.access import access_own_assessment
from unknot.apps.guide.backmap import map_regions
from unknot.apps.guide.forms import STEPS, Step, get_step, next_step, previous_step, step_index
from unknot.apps.guide.presentation import result_view
from unknot.apps.guide.selectors import (
    assessments_of,
    evidence_sections,
    technique_page,
    technique_pages,
)
from unknot.apps.guide.services import assessment_save, can_save_assessments
from unknot.domain.guide import IntakeError, assess, load_catalogue, parse_intake

# --- techniques and evidence --------------------------------------------------------------


def technique_list(request: HttpRequest) -> HttpResponse:
    return render(request, "guide/technique_list.html", {"techniques": technique_pages()})


def technique_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = technique_page(slug=slug)
    if page is None:
        raise Http404("No such technique.")
    return render(request, "guide/technique_detail.html", {"t": page})


def evidence(request: HttpRequest) -> HttpResponse:
    return render(request, "guide/evidence.html", {"sections": evidence_sections()})


# --- the self-assessment ------------------------------------------------------------------


def _partial(request: HttpRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _step_url(step: Step) -> str:
    return reverse("assessment:step", args=[step.slug])


def _render_step(
    request: HttpRequest,
    step: Step,
    form,
    *,
    status: int = 200,
    swapped: bool = False,
    carried_from=None,
) -> HttpResponse:
    index = step_index(step)
    context = {
        "step": step,
        "form": form,
        "steps": STEPS,
        "number": index + 1,
        "total": len(STEPS),
        "previous": previous_step(step),
        "is_last": next_step(step) is None,
        "map_regions": map_regions(load_catalogue().regions.values(), _selected(form, "regions")),
        "oob": _partial(request),
        "carried_from": carried_from,
    }
    partial = _partial(request)
    template = "guide/partials/assessment_step.html" if partial else "guide/assessment_step.html"
    response = render(request, template, context, status=status)
    if partial and swapped:
        push_url(response, _step_url(step))
    patch_vary_headers(response, ["HX-Request"])
    return response


def _selected(form, name: str) -> list[str]:
    if name not in form.fields:
        return []
    value = form[name].value() or []
    return [str(v) for v in value]


def assessment_start(request: HttpRequest) -> HttpResponse:
    """What the self-assessment is, how answers are kept, and where to pick up."""
    return render(
        request,
        "guide/assessment_start.html",
        {
            "steps": STEPS,
            "has_draft": bool(drafts.get_draft(request.session)),
            "pending": drafts.get_pending(request.session),
        },
    )


def _initial(request: HttpRequest, step: Step):
    """The step's initial answers, and the date of the assessment they were carried from."""
    draft = drafts.get_draft(request.session)
    if step.slug == "health" and "health" not in draft:
        latest = assessments_of(client=request.user).first()
        if latest is not None:
            # Not asked again: the long-standing answers come back filled in, to check.
            carried = drafts.carried_health(latest.intake, load_catalogue())
            return step.form_class.initial_from(drafts.merge(draft, carried)), latest.created_at
    return step.form_class.initial_from(draft), None


def assessment_step(request: HttpRequest, slug: str) -> HttpResponse:
    step = get_step(slug)
    if step is None:
        raise Http404("No such step.")
    if request.method != "POST":
        initial, carried_from = _initial(request, step)
        form = step.form_class(initial=initial)
        return _render_step(request, step, form, carried_from=carried_from)

    form = step.form_class(request.POST)
    if not form.is_valid():
        return _render_step(request, step, form, status=400)
    fragment = form.fragment()
    following = next_step(step)
    if following is not None:
        drafts.save_fragment(request.session, fragment)
        if _partial(request):
            initial, carried_from = _initial(request, following)
            form = following.form_class(initial=initial)
            return _render_step(request, following, form, swapped=True, carried_from=carried_from)
        return redirect(_step_url(following))

    # The last step: the whole intake is checked once more, then kept for the results page.
    try:
        intake = parse_intake(
            drafts.merge(drafts.get_draft(request.session), fragment), require_health=True
        )
    except IntakeError as error:
        # The catalogue changed between steps, or the health step was skipped: a result is
        # never given without health answers. Show what to fix here.
        form.add_problems(error.problems)
        return _render_step(request, step, form, status=400)
    drafts.save_fragment(request.session, fragment)
    drafts.set_pending(request.session, intake=intake.to_dict(), now=timezone.now())
    result_url = reverse("assessment:result")
    if request.htmx:
        return HttpResponseClientRedirect(result_url)
    return redirect(result_url)


def assessment_result(request: HttpRequest) -> HttpResponse:
    """The finished, unsaved assessment of this visit, with the offer to save it."""
    pending = drafts.get_pending(request.session)
    if pending is None:
        messages.info(request, "Take the self-assessment first; your results will appear here.")
        return redirect("assessment:start")
    try:
        result = assess(parse_intake(pending["intake"])).to_dict()
    except IntakeError:
        drafts.clear_all(request.session)
        messages.warning(request, "Our questions have changed; please take the assessment again.")
        return redirect("assessment:start")
    here = reverse("assessment:result")
    return render(
        request,
        "guide/assessment_result.html",
        {
            "view": result_view(result),
            "saved": None,
            "can_save": can_save_assessments(request.user),
            "signup_url": f"{reverse('accounts:signup')}?{urlencode({'next': here})}",
            "login_url": f"{reverse('accounts:login')}?{urlencode({'next': here})}",
        },
    )


@require_POST
def assessment_save_view(request: HttpRequest) -> HttpResponse:
    """Save this visit's result to the signed-in client's account."""
    if not request.user.is_authenticated:
        login = reverse("accounts:login")
        return redirect(f"{login}?{urlencode({'next': reverse('assessment:result')})}")
    pending = drafts.get_pending(request.session)
    if pending is None:
        messages.info(request, "There is no unsaved assessment to save.")
        return redirect("assessment:mine")
    try:
        saved = assessment_save(client=request.user, intake=pending["intake"], now=timezone.now())
    except PermissionDenied as refusal:
        messages.error(request, str(refusal) or "Only client accounts can save a self-assessment.")
        return redirect("assessment:result")
    except IntakeError:
        drafts.clear_all(request.session)
        messages.warning(request, "Our questions have changed; please take the assessment again.")
        return redirect("assessment:start")
    drafts.clear_all(request.session)
    messages.success(request, "Your assessment is saved to your account.")
    return redirect("assessment:saved", uid=saved.uid)


@require_POST
def assessment_clear(request: HttpRequest) -> HttpResponse:
    drafts.clear_all(request.session)
    messages.success(request, "Your answers from this visit have been cleared.")
    return redirect("assessment:start")


@login_required
def my_assessments(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "guide/my_assessments.html",
        {
            "assessments": assessments_of(client=request.user),
            "pending": drafts.get_pending(request.session),
            "can_save": can_save_assessments(request.user),
        },
    )


@login_required
def saved_assessment(request: HttpRequest, uid: str) -> HttpResponse:
    saved = access_own_assessment(request.user, uid)
    return render(
        request,
        "guide/assessment_result.html",
        {"view": result_view(saved.result), "saved": saved, "can_save": False},
    )
