"""Pages that open health records with a reason: the break-glass form, and the owner's records
requests for the archived records of closed accounts. Every opening is audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from unknot.apps.records import grants
from unknot.apps.records.forms import ReasonForm
from unknot.apps.records.health_access import (
    GRANT_MINUTES,
    access_client_record_for_read,
    booking_health_readable,
)


def _next_url(request: HttpRequest, client) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    if request.user.is_practice_member:
        return reverse("progress:client", args=[client.uid])
    return reverse("home:index")


@login_required
def break_glass(request: HttpRequest, client_uid: str) -> HttpResponse:
    """Ask for a client's records with a reason; on success, back where the reader came from."""
    client = grants.access_client_for_break_glass(request.user, client_uid)
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                grants.break_glass_open(
                    actor=request.user,
                    client=client,
                    reason=form.cleaned_data["reason"],
                    now=timezone.now(),
                )
            except grants.GrantRefused as error:
                form.add_error("reason", error.message)
            else:
                messages.success(
                    request,
                    f"{client.get_full_name()}'s records are open to you for {GRANT_MINUTES} "
                    "minutes. Your reason is in their audit log.",
                )
                return redirect(_next_url(request, client))
        status = 400
    return render(
        request,
        "records/break_glass.html",
        {
            "client": client,
            "form": form,
            "next": request.POST.get("next") or request.GET.get("next") or "",
            "minutes": GRANT_MINUTES,
        },
        status=status,
    )


def _owner(request: HttpRequest):
    if not request.user.is_owner or not request.user.practice_id:
        raise Http404("Records requests are for the practice owner.")
    return request.user


@login_required
def archive(request: HttpRequest) -> HttpResponse:
    """The owner's list of closed clients whose records the practice keeps."""
    owner = _owner(request)
    return render(
        request,
        "records/archive.html",
        {"clients": grants.archived_clients(owner), "minutes": GRANT_MINUTES},
    )


@login_required
def archived_client(request: HttpRequest, client_uid: str) -> HttpResponse:
    """A records request (GET: the form; POST: open it), then the archived record, read-only."""
    owner = _owner(request)
    client = grants.access_archived_client(owner, client_uid)
    now = timezone.now()
    form = ReasonForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                grants.records_request_open(
                    owner=owner, client=client, reason=form.cleaned_data["reason"], now=now
                )
            except grants.GrantRefused as error:
                form.add_error("reason", error.message)
            else:
                return redirect("records:archived_client", client_uid=client.uid)
        return render(
            request, "records/archive_request.html", {"client": client, "form": form}, status=400
        )
    try:
        decision = access_client_record_for_read(
            owner, client, practice=owner.practice, kind="archived-record", now=now
        )
    except Http404:
        return render(request, "records/archive_request.html", {"client": client, "form": form})
    record = grants.archived_record(client, practice_id=owner.practice_id)
    shown = booking_health_readable(owner, record["bookings"], now=now)
    return render(
        request,
        "records/archive_record.html",
        {
            "client": client,
            "reason": decision.reason,
            "shown": shown,
            "tz": owner.practice.time_zone,
            **record,
        },
    )
