"""Records pages: My data (consents, who opened my records, export, closing the account) and
the therapist's session notes."""

from __future__ import annotations

import functools
import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from unknot.apps.accounts.reauth import reauth_required
from unknot.apps.records import selectors, services
from unknot.apps.records.access import access_note, can_write_note
from unknot.apps.records.consents import WORDINGS
from unknot.apps.records.forms import AmendNoteForm, CloseAccountForm, NoteForm
from unknot.domain.guide import load_catalogue

try:
    from unknot.apps.guide.backmap import map_regions
except ImportError:  # pragma: no cover
    map_regions = None


def _client_only(request: HttpRequest):
    if not request.user.is_client or request.user.is_superuser:
        raise Http404("This page is for clients.")
    return request.user


def client_page(view):
    """Clients only (404 for anyone else), checked before anything else is asked of them."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        _client_only(request)
        return view(request, *args, **kwargs)

    return wrapper


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    user = _client_only(request)
    return render(
        request,
        "records/my_data.html",
        {
            "consents": selectors.consent_rows(user),
            "openings": selectors.record_openings(user),
        },
    )


@login_required
@require_POST
def consent(request: HttpRequest) -> HttpResponse:
    """Give or withdraw one consent; takes effect at once. htmx swaps the consent list."""
    user = _client_only(request)
    kind = request.POST.get("kind", "")
    granted = request.POST.get("granted", "")
    status = 200
    if kind not in WORDINGS or granted not in ("yes", "no"):
        status = 400
        messages.error(request, "Choose a consent and whether you give it.")
    else:
        services.consent_set(
            user=user, kind=kind, granted=granted == "yes", now=timezone.now(), via="web"
        )
        word = "given" if granted == "yes" else "withdrawn"
        text = f"{WORDINGS[kind].title}: consent {word}."
        if granted == "no":
            text += " " + WORDINGS[kind].withdraw_effect
        messages.success(request, text)
    if request.htmx:
        return render(
            request,
            "records/partials/consents.html",
            {"consents": selectors.consent_rows(user)},
            status=status,
        )
    return redirect("records:my_data")


def _readable(value) -> dict:
    """Exported JSON as nodes the readable page renders: text, labelled pairs or a list."""
    if isinstance(value, dict):
        return {
            "type": "pairs",
            "items": [
                (str(k).replace("_", " ").capitalize(), _readable(v)) for k, v in value.items()
            ],
        }
    if isinstance(value, list):
        if not value:
            return {"type": "text", "text": "none"}
        return {"type": "list", "items": [_readable(v) for v in value]}
    if value is None or value == "":
        return {"type": "text", "text": "—"}
    if isinstance(value, bool):
        return {"type": "text", "text": "yes" if value else "no"}
    return {"type": "text", "text": str(value)}


@login_required
@client_page
@reauth_required
def export_page(request: HttpRequest) -> HttpResponse:
    user = _client_only(request)
    data = services.export_everything(user=user, now=timezone.now(), via="web")
    sections = [
        {"name": name, "title": title, "node": _readable(data.get(name))}
        for name, title in data["sections"].items()
    ]
    return render(
        request,
        "records/export.html",
        {"sections": sections, "generated_at": data["generated_at"]},
    )


@login_required
@client_page
@reauth_required
def export_json(request: HttpRequest) -> HttpResponse:
    user = _client_only(request)
    data = services.export_everything(user=user, now=timezone.now(), via="web")
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="unknot-my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@client_page
@reauth_required
def close_account(request: HttpRequest) -> HttpResponse:
    user = _client_only(request)
    now = timezone.now()
    plan = services.account_close_plan(user=user, now=now)
    form = CloseAccountForm(request.POST or None, user=user)
    if request.method == "POST":
        if form.is_valid():
            closure = services.account_close(user=user, now=now, via="web")
            logout(request)
            return render(request, "records/closed.html", {"summary": closure.summary})
        return render(request, "records/close.html", {"form": form, "plan": plan}, status=400)
    return render(request, "records/close.html", {"form": form, "plan": plan})


# --- session notes (the practice side) ----------------------------------------------------


@login_required
def notes(request: HttpRequest) -> HttpResponse:
    if not request.user.is_therapist:
        raise Http404("Session notes are written by therapists.")
    return render(
        request,
        "records/notes.html",
        {"sessions": selectors.sessions_for_notes(request.user, now=timezone.now())},
    )


def _back_map(selected) -> list:
    if map_regions is None:
        return []
    return map_regions(load_catalogue().regions.values(), selected)


def _note_initial(existing, booking, writer) -> dict:
    if existing is not None:
        return {
            "subjective": existing.subjective,
            "objective": existing.objective,
            "assessment": existing.assessment,
            "plan": existing.plan,
            "techniques": [t.slug for t in existing.techniques.all()],
            "pressure_used": existing.pressure_used,
            "regions": existing.finding_regions,
            "findings": existing.findings,
            "client_summary": existing.client_summary,
            "share_summary": existing.summary_is_shared,
        }
    if not writer:
        return {}
    initial = {"techniques": [booking.technique.slug]}
    template = selectors.note_template_for(booking)
    if template is not None:
        for name in ("subjective", "objective", "assessment", "plan"):
            initial[name] = getattr(template, name)
    return initial


@login_required
def note(request: HttpRequest, booking_uid: str) -> HttpResponse:
    """Read a session's note and its versions (practice side); its own therapist writes the
    draft here, signs it, and then amends it with a reason."""
    booking, existing = access_note(request.user, booking_uid)
    writer = can_write_note(request.user, booking)
    if request.method == "POST" and not writer:
        raise Http404("No such session.")
    signed = existing is not None and existing.is_signed
    initial = _note_initial(existing, booking, writer)
    action = request.POST.get("action", "save")
    form_class = AmendNoteForm if signed else NoteForm
    data = request.POST if request.method == "POST" and action != "sign" else None
    form = form_class(data, initial=initial)
    status = 200
    if request.method == "POST":
        status = _note_post(request, booking, form, action, signed)
        if status == 302:
            return redirect("records:note", booking_uid=booking.uid)
    selected = (
        request.POST.getlist("regions")
        if request.method == "POST" and action != "sign"
        else initial.get("regions", [])
    )
    versions = sorted(existing.versions.all(), key=lambda v: v.number) if existing else []
    return render(
        request,
        "records/note.html",
        {
            "booking": booking,
            "note": existing,
            "signed": signed,
            "versions": versions,
            "form": form,
            "writer": writer,
            "map_regions": _back_map(selected),
            "tz": booking.practice.time_zone,
        },
        status=status,
    )


def _note_post(request, booking, form, action: str, signed: bool) -> int:
    """Run the therapist's save, sign or amend; 302 when done, else the error status."""
    now = timezone.now()
    try:
        if action == "sign":
            services.note_sign(booking=booking, author=request.user, now=now)
            messages.success(request, "The note is signed. From now on it can only be amended.")
            return 302
        if not form.is_valid():
            return 400
        cd = form.cleaned_data
        fields = {
            "subjective": cd["subjective"],
            "objective": cd["objective"],
            "assessment": cd["assessment"],
            "plan": cd["plan"],
            "techniques": cd["techniques"],
            "pressure_used": cd["pressure_used"],
            "finding_regions": cd["regions"],
            "findings": cd["findings"],
            "client_summary": cd["client_summary"],
            "share_summary": cd["share_summary"],
        }
        if signed:
            services.note_amend(
                booking=booking, author=request.user, now=now, reason=cd["reason"], **fields
            )
            messages.success(request, "The amendment is kept as a new version.")
        else:
            services.note_save(booking=booking, author=request.user, now=now, **fields)
            messages.success(request, "The draft is saved. Sign it when it is complete.")
        return 302
    except services.RecordsError as error:
        if action == "sign":
            messages.error(request, error.message)
            return 409
        for key, message in error.problems.items():
            name = "regions" if key == "finding_regions" else key
            form.add_error(name if name in form.fields else None, message)
        if not error.problems:
            form.add_error(None, error.message)
        return 400 if error.code == "invalid" else 409
    except PermissionDenied as error:
        raise Http404("No such session.") from error
