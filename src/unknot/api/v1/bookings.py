"""Bookings: create (idempotent), list the caller's own, read, cancel, reschedule, outcomes."""

from __future__ import annotations

import copy
import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Header, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from unknot.api.auth import signed_in
from unknot.api.errors import ApiError
from unknot.api.fields import PlainText
from unknot.api.pagination import Pagination
from unknot.api.v1.availability import known_technique, known_therapist, parse_instant
from unknot.apps.booking import services
from unknot.apps.booking.access import access_booking_by_uid, is_practice_side
from unknot.apps.booking.mappers import tz_for
from unknot.apps.booking.models import Booking
from unknot.apps.booking.reference import ScheduleReference, schedule_reference
from unknot.apps.booking.selectors import bookings_visible_to
from unknot.apps.practices.models import Service, Technique
from unknot.apps.records.health_access import booking_health_readable
from unknot.apps.therapists.models import Therapist

router = Router(tags=["bookings"], auth=signed_in)


class TherapistRef(Schema):
    uid: str
    name: str


class BookingOut(Schema):
    uid: str
    status: str
    technique: str
    technique_name: str
    duration_minutes: int
    start: dt.datetime
    end: dt.datetime
    therapist: TherapistRef
    room: str
    practice: str
    price: str
    needs_clearance: bool
    late_cancellation: bool
    cancelled_at: dt.datetime | None
    client_note: str = Field(
        description="The client's note: for the client, and for those who may read the "
        "client's health records (treating therapists, the owner, a break-glass read)."
    )
    safety: dict | None = Field(
        default=None,
        description="Flags from the assessment, for those who may read the client's health "
        "records; never for the client.",
    )


def booking_out(booking: Booking, viewer, shown: set[str] | None = None) -> BookingOut:
    """``shown``: the uids whose health details ``viewer`` may see (read through the audited
    path when not given)."""
    if shown is None:
        shown = booking_health_readable(viewer, [booking], now=timezone.now(), via="api")
    health = booking.uid in shown
    tz = tz_for(booking.practice)
    return BookingOut(
        uid=booking.uid,
        status=booking.status,
        technique=booking.technique.slug,
        technique_name=booking.technique.name,
        duration_minutes=booking.service.duration_minutes,
        start=booking.starts_at.astimezone(tz),
        end=booking.ends_at.astimezone(tz),
        therapist=TherapistRef(uid=booking.therapist.uid, name=booking.therapist.display_name),
        room=booking.room.name,
        practice=booking.practice.name,
        price=str(booking.price),
        needs_clearance=booking.needs_clearance and booking.clearance_recorded_at is None,
        late_cancellation=booking.late_cancellation,
        cancelled_at=booking.cancelled_at,
        client_note=booking.client_note if health else "",
        safety=booking.safety if health and booking.client_id != viewer.pk else None,
    )


def offered_service(
    ref: ScheduleReference, technique: Technique, minutes: int, therapist: Therapist | None
) -> Service | None:
    """The active service for ``technique`` and ``minutes``: in the therapist's practice, or
    (anyone) in the first practice by name. A copy: the reference's instances are shared."""
    if therapist is not None:
        found = ref.services.get((therapist.practice_id, technique.pk, minutes))
    else:
        offered = [
            service
            for (_, technique_id, length), service in ref.services.items()
            if technique_id == technique.pk and length == minutes
        ]
        found = min(offered, key=lambda s: (s.practice.name, s.practice_id), default=None)
    if found is None:
        return None
    service = copy.copy(found)
    service.technique = technique
    return service


class BookingIn(Schema):
    technique: str = Field(max_length=40)
    duration: int = Field(default=60, ge=10, le=240)
    therapist: str | None = Field(
        default=None, max_length=32, description="A therapist uid, or omit / 'any' for anyone."
    )
    start: str = Field(
        max_length=40, description="ISO 8601 with offset, e.g. 2026-12-01T10:00+00:00"
    )
    note: str = Field(default="", max_length=1000)


class CancelIn(Schema):
    reason: PlainText = Field(default="", max_length=300)


class RescheduleIn(Schema):
    start: str = Field(max_length=40)


class ClearanceIn(Schema):
    note: str = Field(min_length=1, max_length=2000)


@router.post("/bookings", response={200: BookingOut, 201: BookingOut})
def create_booking(
    request: HttpRequest,
    payload: BookingIn,
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key", max_length=80),
):
    """Book a session. Send an Idempotency-Key header so a retried request never books twice.

    201 when booked (status ``pending`` while a medical clearance is awaited), 200 when the
    same Idempotency-Key and request were seen before, 409 ``slot_taken`` with alternatives,
    403 when the safety check refuses, 422 for bad input.
    """
    if not request.user.is_client:
        raise ApiError(403, "clients_only", "Only client accounts book sessions online.")
    # Technique, therapist and service come from the schedule's reference data in memory
    # (one tiny query for its version); the booking checks the therapist, their hours, the
    # room and the overlaps in the database, inside its transaction.
    now = timezone.now()
    ref = schedule_reference(now=now)
    technique = known_technique(ref, payload.technique)
    therapist = None
    if payload.therapist and payload.therapist != "any":
        therapist = known_therapist(ref, payload.therapist)
    tz = tz_for(therapist.practice) if therapist else timezone.get_default_timezone()
    start = parse_instant(payload.start, "start", tz)
    service = offered_service(ref, technique, payload.duration, therapist)
    if service is None:
        raise ApiError(
            422,
            "unknown_duration",
            f"{technique.name} is not offered for {payload.duration} minutes.",
            field="duration",
        )
    booking, created = services.booking_create(
        client=request.user,
        service=service,
        start=start,
        now=now,
        therapist=therapist,
        idempotency_key=idempotency_key,
        client_note=payload.note,
    )
    if not created:
        # A replayed booking comes without its related rows.
        booking = access_booking_by_uid(request.user, booking.uid)
    # Otherwise the new booking carries everything the response shows (booking_create gives
    # it its related rows and inserts its final safety snapshot), and it is the caller's own:
    # no second read.
    return Status(201 if created else 200, booking_out(booking, request.user))


@router.get("/bookings", response=list[BookingOut])
@paginate(Pagination)
def list_bookings(
    request: HttpRequest,
    status: str | None = None,
    start: str | None = None,
    end: str | None = None,
):
    """The caller's bookings: a client's own, a therapist's schedule, staff's whole practice."""
    tz = timezone.get_default_timezone()
    since = parse_instant(start, "start", tz) if start else None
    until = parse_instant(end, "end", tz) if end else None
    qs = bookings_visible_to(user=request.user, since=since, until=until, status=status)
    return AuditedPage(qs, request.user)


class AuditedPage:
    """The bookings as the paginator slices them: only the page returned is read through the
    audited path, so health details are logged as shown, not for the whole list."""

    def __init__(self, queryset, viewer):
        self.queryset = queryset
        self.viewer = viewer

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, window: slice) -> list[BookingOut]:
        rows = list(self.queryset[window])
        shown = booking_health_readable(self.viewer, rows, now=timezone.now(), via="api")
        return [booking_out(b, self.viewer, shown) for b in rows]


@router.get("/bookings/{uid}", response=BookingOut)
def get_booking(request: HttpRequest, uid: str):
    return booking_out(access_booking_by_uid(request.user, uid), request.user)


@router.post("/bookings/{uid}/cancel", response=BookingOut)
def cancel_booking(request: HttpRequest, uid: str, payload: CancelIn):
    """Cancel. Within the practice's cut-off the cancellation is recorded as late."""
    booking = access_booking_by_uid(request.user, uid)
    booking = services.booking_cancel(
        booking=booking, by=request.user, now=timezone.now(), reason=payload.reason
    )
    return booking_out(access_booking_by_uid(request.user, uid), request.user)


@router.post("/bookings/{uid}/reschedule", response=BookingOut)
def reschedule_booking(request: HttpRequest, uid: str, payload: RescheduleIn):
    """Move to another start with the same therapist; staff may move inside the cut-off."""
    booking = access_booking_by_uid(request.user, uid)
    start = parse_instant(payload.start, "start", tz_for(booking.practice))
    services.booking_reschedule(
        booking=booking,
        by=request.user,
        new_start=start,
        now=timezone.now(),
        staff_override=request.user.is_superuser or request.user.is_practice_staff,
    )
    return booking_out(access_booking_by_uid(request.user, uid), request.user)


def _practice_side_or_404(request, uid: str) -> Booking:
    booking = access_booking_by_uid(request.user, uid)
    if not is_practice_side(request.user, booking):
        raise ApiError(403, "practice_only", "Only the therapist or practice staff can do this.")
    return booking


@router.post("/bookings/{uid}/complete", response=BookingOut)
def complete_booking(request: HttpRequest, uid: str):
    booking = _practice_side_or_404(request, uid)
    services.booking_mark_completed(booking=booking, by=request.user, now=timezone.now())
    return booking_out(access_booking_by_uid(request.user, uid), request.user)


@router.post("/bookings/{uid}/no-show", response=BookingOut)
def no_show_booking(request: HttpRequest, uid: str):
    booking = _practice_side_or_404(request, uid)
    services.booking_mark_no_show(booking=booking, by=request.user, now=timezone.now())
    return booking_out(access_booking_by_uid(request.user, uid), request.user)


@router.post("/bookings/{uid}/clearance", response=BookingOut)
def record_clearance(request: HttpRequest, uid: str, payload: ClearanceIn):
    """Staff record a doctor's clearance; a pending booking becomes confirmed."""
    booking = _practice_side_or_404(request, uid)
    if not (request.user.is_superuser or request.user.is_practice_staff):
        raise ApiError(403, "staff_only", "Only practice staff record clearances.")
    services.booking_record_clearance(
        booking=booking, by=request.user, now=timezone.now(), note=payload.note
    )
    return booking_out(access_booking_by_uid(request.user, uid), request.user)
