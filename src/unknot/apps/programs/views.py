"""Program pages: the builder, the preview with one-click alternatives, "My programs", a
program's sessions (cancel or move one, cancel the rest) and the therapist's adjust form.

Views parse, call a selector or a service, and render. Every time is shown in the practice's
zone with the zone named. A refusal by a service keeps its reason and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from unknot.apps.booking import selectors as booking_selectors
from unknot.apps.booking.errors import BookingError, SlotTaken
from unknot.apps.booking.mappers import tz_for
from unknot.apps.booking.policy import booking_policy
from unknot.apps.guide.access import access_own_assessment
from unknot.apps.practices.models import Technique
from unknot.apps.programs import selectors, services
from unknot.apps.programs.access import access_program_by_uid, is_practice_side
from unknot.apps.programs.errors import SeriesConflict
from unknot.apps.programs.forms import (
    ANY,
    AdjustForm,
    MoveRestForm,
    ProgramBuilderForm,
    RescheduleForm,
    SeriesForm,
    parse_instant,
)
from unknot.apps.programs.planning import Accepted
from unknot.apps.programs.selectors import latest_plan_for, recommended_techniques
from unknot.apps.therapists.models import Therapist

REASONS = {
    "unavailable": "Not free then",
    "outside_booking_window": "Outside the booking window",
}


def _techniques():
    return Technique.objects.filter(services__is_active=True).distinct().order_by("position")


def _all_durations() -> list[int]:
    found: set[int] = set()
    for technique in _techniques():
        found.update(booking_selectors.offered_durations(technique))
    return sorted(found)


def _therapists() -> list[Therapist]:
    return list(
        Therapist.objects.filter(is_active=True, licence_verified_at__isnull=False)
        .select_related("practice")
        .order_by("display_name")
    )


def _builder_form(data=None, initial=None, every_days=None) -> ProgramBuilderForm:
    return ProgramBuilderForm(
        data,
        initial=initial,
        techniques=_techniques(),
        durations=_all_durations(),
        therapists=_therapists(),
        every_days=every_days,
    )


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _plan_context(request: HttpRequest):
    """The assessment behind the builder (named in the query, or the latest) and its plan."""
    uid = request.GET.get("assessment") or request.POST.get("assessment")
    if uid:
        saved = access_own_assessment(request.user, uid)
        return saved, (saved.result or {}).get("program") or {}
    return latest_plan_for(request.user)


def _series_tz(technique: Technique, duration: int, therapist: Therapist | None) -> ZoneInfo:
    if therapist is not None:
        return tz_for(therapist.practice)
    services_ = booking_selectors.services_for_choice(
        technique=technique, duration_minutes=duration
    )
    return tz_for(services_[0].practice) if services_ else timezone.get_default_timezone()


def _clients_only(request: HttpRequest) -> None:
    if not request.user.is_client:
        raise Http404("Programs are booked by clients.")


@login_required
def program_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    programs = [
        (program, selectors.session_rows(program, now))
        for program in selectors.programs_visible_to(user=request.user)
    ]
    items = [
        {
            "program": program,
            "done": sum(1 for r in rows if r.done),
            "to_come": sum(1 for r in rows if r.upcoming),
            "next": next((r for r in rows if r.upcoming), None),
        }
        for program, rows in programs
    ]
    return render(
        request,
        "programs/list.html",
        {"items": items, "is_client": request.user.is_client},
    )


@login_required
def program_new(request: HttpRequest) -> HttpResponse:
    """The builder, prefilled from the query string or the client's latest assessment plan."""
    _clients_only(request)
    saved, plan = _plan_context(request)
    phases = plan.get("phases") or []
    first_phase = phases[0] if phases else {}
    recommended = recommended_techniques(saved)
    query = request.GET
    technique_slug = query.get("technique") or (recommended[0] if recommended else None)
    every_days = _int(query.get("every_days"), _int(first_phase.get("every_days"), 7))
    if request.method == "POST":
        form = _builder_form(request.POST, every_days=_int(request.POST.get("every_days"), 7))
        if form.is_valid():
            return _preview_from_builder(request, form, phases)
        return render(
            request,
            "programs/builder.html",
            {"form": form, "phases": phases, "assessment": saved},
            status=400,
        )
    start_day = timezone.localdate() + dt.timedelta(days=1)
    initial = {
        "technique": technique_slug,
        "duration": _int(query.get("duration"), _int(first_phase.get("session_minutes"), 60)),
        "therapist": query.get("therapist") or ANY,
        "weekday": _int(query.get("weekday"), start_day.weekday()),
        "time": query.get("time") or "10:00",
        "starting": query.get("starting") or start_day.isoformat(),
        "every_days": every_days,
        "sessions": _int(query.get("sessions"), _int(first_phase.get("sessions"), 10)),
        "assessment": saved.uid if saved else "",
    }
    return render(
        request,
        "programs/builder.html",
        {
            "form": _builder_form(initial=initial, every_days=every_days),
            "phases": phases,
            "assessment": saved,
            "notes": plan.get("notes") or [],
        },
    )


def _preview_from_builder(request: HttpRequest, form: ProgramBuilderForm, phases) -> HttpResponse:
    data = form.cleaned_data
    therapist = None
    if data["therapist"] != ANY:
        therapist = (
            Therapist.objects.select_related("practice").filter(uid=data["therapist"]).first()
        )
    tz = _series_tz(data["technique"], data["duration"], therapist)
    day, time = form.first_local()
    first_start = dt.datetime.combine(day, time, tzinfo=tz)
    series = {
        "technique": data["technique"].slug,
        "duration": data["duration"],
        "therapist": data["therapist"],
        "first_start": first_start.isoformat(),
        "every_days": data["every_days"],
        "sessions": data["sessions"],
        "assessment": data.get("assessment") or "",
    }
    return _render_preview(request, series=series, accepted=[])


@dataclass
class _AltView:
    start: dt.datetime
    therapist: str
    value: str


def _accepted_from(values: list[str]) -> list[tuple[int, dt.datetime, str]]:
    """``index|start|therapist`` strings from hidden fields and buttons; bad ones are dropped."""
    chosen: dict[int, tuple[int, dt.datetime, str]] = {}
    for raw in values:
        parts = (raw or "").split("|")
        if len(parts) != 3 or not parts[0].isdigit():
            continue
        start = parse_instant(parts[1])
        if start is None:
            continue
        chosen[int(parts[0])] = (int(parts[0]), start, parts[2])
    return [chosen[i] for i in sorted(chosen)]


def _program_request(
    form: SeriesForm, accepted, phases, assessment_id: int | None = None
) -> services.ProgramRequest:
    data = form.cleaned_data
    accept = []
    for index, start, uid in accepted:
        therapist = (
            Therapist.objects.select_related("practice").filter(uid=uid, is_active=True).first()
            if uid and uid != ANY
            else None
        )
        accept.append((index, Accepted(start=start, therapist=therapist)))
    return services.ProgramRequest(
        technique=data["technique"],
        duration_minutes=data["duration"],
        therapist=data["therapist"],
        first_start=data["first_start"],
        every_days=data["every_days"],
        count=data["sessions"],
        phases=tuple(phases),
        accept=tuple(accept),
        assessment_id=assessment_id,
    )


def _render_preview(
    request: HttpRequest,
    *,
    series: dict,
    accepted: list,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    form = SeriesForm(series)
    if not form.is_valid():
        return render(
            request,
            "programs/problem.html",
            {"message": "That program request is not valid. Please start again."},
            status=400,
        )
    saved, plan_data = _plan_context(request) if series.get("assessment") else (None, {})
    phases = plan_data.get("phases") or []
    program_request = _program_request(form, accepted, phases)
    try:
        plan = services.program_preview(request=program_request, now=timezone.now())
    except BookingError as refusal:
        return render(
            request,
            "programs/problem.html",
            {"message": refusal.message, "series": series},
            status=422,
        )
    tz = plan.tz
    rows = []
    for session in plan.sessions:
        rows.append(
            {
                "index": session.index,
                "number": session.index + 1,
                "phase": selectors.phase_of(phases, session.index),
                "start": session.start.astimezone(tz),
                "end": session.end.astimezone(tz),
                "therapist": session.therapist.display_name,
                "ok": session.ok,
                "accepted": session.accepted,
                "reason": REASONS.get(session.reason, session.reason),
                "alternatives": [
                    _AltView(
                        start=alt.start.astimezone(tz),
                        therapist=alt.therapist.display_name,
                        value=f"{session.index}|{alt.start.astimezone(tz).isoformat()}|"
                        f"{alt.therapist.uid}",
                    )
                    for alt in session.alternatives
                ],
            }
        )
    context = {
        "plan": plan,
        "rows": rows,
        "series": series,
        "accepted": [f"{i}|{start.isoformat()}|{uid}" for i, start, uid in accepted],
        "idempotency_key": uuid.uuid4(),
        "error": error,
        "phases": phases,
        "assessment": saved,
    }
    template = "programs/partials/preview.html" if request.htmx else "programs/preview.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def program_preview(request: HttpRequest) -> HttpResponse:
    """Re-check after choosing an alternative, or confirm and book every session."""
    _clients_only(request)
    series = {key: request.POST.get(key, "") for key in SeriesForm.base_fields}
    accepted = _accepted_from(request.POST.getlist("accept"))
    choice = request.POST.get("choose")
    if choice:
        accepted = _accepted_from([*(f"{i}|{s.isoformat()}|{u}" for i, s, u in accepted), choice])
    undo = request.POST.get("undo")
    if undo and undo.isdigit():
        accepted = [a for a in accepted if a[0] != int(undo)]
    if request.POST.get("action") != "confirm":
        return _render_preview(request, series=series, accepted=accepted)

    form = SeriesForm(series)
    if not form.is_valid():
        return _render_preview(request, series=series, accepted=accepted)
    saved, plan_data = _plan_context(request) if series.get("assessment") else (None, {})
    program_request = _program_request(
        form, accepted, plan_data.get("phases") or [], saved.pk if saved else None
    )
    try:
        program, _created = services.program_book(
            client=request.user,
            request=program_request,
            now=timezone.now(),
            idempotency_key=request.POST.get("idempotency_key") or None,
        )
    except SeriesConflict as conflict:
        return _render_preview(
            request, series=series, accepted=accepted, error=conflict.message, status=409
        )
    except BookingError as refusal:
        return _render_preview(
            request, series=series, accepted=accepted, error=refusal.message, status=409
        )
    messages.success(
        request,
        f"Your program is booked: {program.sessions_count} sessions. A confirmation email with "
        "all the dates is on its way.",
    )
    url = reverse("programs:detail", args=[program.uid])
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@login_required
def program_detail(request: HttpRequest, uid: str) -> HttpResponse:
    program = access_program_by_uid(request.user, uid)
    program = selectors.program_with_sessions(program)
    now = timezone.now()
    rows = selectors.session_rows(program, now)
    return render(
        request,
        "programs/detail.html",
        {
            "program": program,
            "rows": rows,
            "done": [r for r in rows if r.done],
            "to_come": [r for r in rows if r.upcoming],
            "others": [r for r in rows if not r.done and not r.upcoming],
            "tz": program.practice.time_zone,
            "can_adjust": is_practice_side(request.user, program) and any(r.upcoming for r in rows),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_cancel(request: HttpRequest, uid: str) -> HttpResponse:
    """GET asks first, with each session's terms (late or free); POST cancels the rest."""
    program = access_program_by_uid(request.user, uid)
    if request.method == "GET":
        now = timezone.now()
        rows = [r for r in selectors.session_rows(program, now) if r.upcoming]
        return render(
            request,
            "programs/cancel.html",
            {
                "program": program,
                "rows": [(row, booking_policy(row.booking, now)) for row in rows],
                "late": sum(1 for row in rows if booking_policy(row.booking, now).late),
                "tz": program.practice.time_zone,
            },
        )
    try:
        cancelled = services.program_cancel(program=program, by=request.user, now=timezone.now())
    except BookingError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, f"The rest of the program is cancelled ({len(cancelled)} sessions)."
        )
    return redirect("programs:detail", uid=program.uid)


@login_required
@require_http_methods(["GET", "POST"])
def session_cancel(request: HttpRequest, uid: str, index: int) -> HttpResponse:
    """GET asks first, with the session's terms; POST cancels that one session."""
    program = access_program_by_uid(request.user, uid)
    if request.method == "GET":
        row = next(
            (r for r in selectors.session_rows(program, timezone.now()) if r.index == index),
            None,
        )
        if row is None or not row.upcoming:
            raise Http404("This program has no such session to cancel.")
        return render(
            request,
            "programs/session_cancel.html",
            {
                "program": program,
                "row": row,
                "policy": booking_policy(row.booking, timezone.now()),
                "tz": program.practice.time_zone,
            },
        )
    try:
        booking = services.program_session_cancel(
            program=program, index=index, by=request.user, now=timezone.now()
        )
    except BookingError as refusal:
        messages.error(request, refusal.message)
    else:
        late = (
            " It was within the cancellation cut-off, so it counts as late."
            if (booking.late_cancellation)
            else ""
        )
        messages.success(request, f"Session {index + 1} is cancelled.{late}")
    return redirect("programs:detail", uid=program.uid)


@login_required
@require_http_methods(["GET", "POST"])
def session_reschedule(request: HttpRequest, uid: str, index: int) -> HttpResponse:
    program = access_program_by_uid(request.user, uid)
    program = selectors.program_with_sessions(program)
    row = next(
        (r for r in selectors.session_rows(program, timezone.now()) if r.index == index), None
    )
    if row is None or not row.upcoming:
        raise Http404("No such session to move.")
    tz = ZoneInfo(program.practice.time_zone)
    current = row.booking.starts_at.astimezone(tz)
    form = RescheduleForm(
        request.POST if request.method == "POST" and "start" not in request.POST else None,
        initial={"day": current.date(), "time": current.time()},
    )
    alternatives: list = []
    status = 200
    if request.method == "POST":
        start = parse_instant(request.POST.get("start", ""))
        if start is None and form.is_valid():
            start = dt.datetime.combine(
                form.cleaned_data["day"], form.cleaned_data["time"], tzinfo=tz
            )
        if start is None:
            status = 400
        else:
            try:
                services.program_session_reschedule(
                    program=program,
                    index=index,
                    by=request.user,
                    new_start=start,
                    now=timezone.now(),
                    staff_override=request.user.is_superuser or request.user.is_practice_staff,
                )
            except SlotTaken as taken:
                messages.error(request, taken.message)
                alternatives = [
                    {"start": dt.datetime.fromisoformat(a["start"]), "value": a["start"]}
                    for a in taken.extra.get("alternatives", [])
                    if a.get("therapist") == row.booking.therapist.uid
                ]
                status = 409
            except BookingError as refusal:
                messages.error(request, refusal.message)
                status = 409
            else:
                messages.success(request, f"Session {index + 1} is moved.")
                return redirect("programs:detail", uid=program.uid)
    return render(
        request,
        "programs/reschedule.html",
        {"program": program, "row": row, "form": form, "alternatives": alternatives, "tz": tz},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_adjust(request: HttpRequest, uid: str) -> HttpResponse:
    """The therapist or staff change the interval, technique or length of what is to come."""
    program = access_program_by_uid(request.user, uid)
    if not is_practice_side(request.user, program):
        raise Http404("No such program.")
    techniques = (
        Technique.objects.filter(services__practice=program.practice, services__is_active=True)
        .distinct()
        .order_by("position")
    )
    durations = sorted(
        set(
            program.practice.services.filter(is_active=True).values_list(
                "duration_minutes", flat=True
            )
        )
    )
    form = AdjustForm(
        request.POST or None,
        initial={
            "every_days": program.every_days,
            "technique": program.technique.slug,
            "duration": program.service.duration_minutes,
        },
        techniques=techniques,
        durations=durations,
        every_days=program.every_days,
    )
    result = None
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            confirm = request.POST.get("action") == "apply"
            try:
                result = services.program_adjust(
                    program=program,
                    by=request.user,
                    now=timezone.now(),
                    every_days=form.cleaned_data["every_days"],
                    technique=form.cleaned_data["technique"],
                    duration_minutes=form.cleaned_data["duration"],
                    confirm=confirm,
                )
            except SeriesConflict as conflict:
                messages.error(request, conflict.message)
                result = services.Adjustment(
                    program=program,
                    moves=conflict.extra.get("moves", []),
                    conflicts=conflict.extra.get("conflicts", []),
                    applied=False,
                )
                status = 409
            except BookingError as refusal:
                messages.error(request, refusal.message)
                status = 409
            else:
                if confirm:
                    messages.success(
                        request, "The program is adjusted; the sessions to come follow."
                    )
                    return redirect("programs:detail", uid=program.uid)
    moves = _move_rows(result)
    return render(
        request,
        "programs/adjust.html",
        {"program": program, "form": form, "result": result, "moves": moves},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_move_rest(request: HttpRequest, uid: str) -> HttpResponse:
    """Move the rest of the series to another day or time; the interval stays."""
    program = access_program_by_uid(request.user, uid)
    tz = ZoneInfo(program.practice.time_zone)
    practice_side = is_practice_side(request.user, program)
    upcoming = services.upcoming_sessions(program, timezone.now())
    initial = {}
    if upcoming:
        current = upcoming[0].booking.starts_at.astimezone(tz)
        initial = {"day": current.date(), "time": current.time()}
    form = MoveRestForm(request.POST or None, initial=initial)
    result = None
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            confirm = request.POST.get("action") == "apply"
            first_start = dt.datetime.combine(
                form.cleaned_data["day"], form.cleaned_data["time"], tzinfo=tz
            )
            try:
                result = services.program_adjust(
                    program=program,
                    by=request.user,
                    now=timezone.now(),
                    first_start=first_start,
                    staff_override=practice_side,
                    confirm=confirm,
                )
            except SeriesConflict as conflict:
                messages.error(request, conflict.message)
                result = services.Adjustment(
                    program=program,
                    moves=conflict.extra.get("moves", []),
                    conflicts=conflict.extra.get("conflicts", []),
                    applied=False,
                )
                status = 409
            except BookingError as refusal:
                messages.error(request, refusal.message)
                status = 409
            else:
                if confirm:
                    messages.success(request, "The rest of the program is moved.")
                    return redirect("programs:detail", uid=program.uid)
    return render(
        request,
        "programs/move_rest.html",
        {
            "program": program,
            "form": form,
            "result": result,
            "moves": _move_rows(result),
            "tz": tz.key,
            "practice_side": practice_side,
        },
        status=status,
    )


def _move_rows(result) -> list[dict]:
    if result is None:
        return []
    conflicted = {c["index"] for c in result.conflicts}
    return [
        {
            **move,
            "number": move["index"] + 1,
            "from_dt": dt.datetime.fromisoformat(move["from"]),
            "to_dt": dt.datetime.fromisoformat(move["to"]),
            "ok": move["index"] not in conflicted,
        }
        for move in result.moves
    ]
