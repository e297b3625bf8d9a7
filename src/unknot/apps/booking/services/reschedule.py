"""Moving one booking: ``booking_reschedule``, and ``rescreened``, which every move shares.

A move locks like a new booking (``locking``): the booking's row, its therapist, then the room
it keeps or changes to, checked again under the lock. A room lost to another therapist's booking
at the insert (the exclusion constraint) or a deadlock between two such bookings is a lost race:
the move chooses again, as ``booking_create`` does.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, OperationalError, transaction

from unknot.apps.booking import hooks, limits, mappers
from unknot.apps.booking.errors import PolicyRefusal, SlotTaken
from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.booking.safety import Screening, screen_for_booking
from unknot.apps.booking.services import checks, locking
from unknot.apps.practices.models import Service
from unknot.domain import scheduling as s

log = logging.getLogger(__name__)

ROOM_RETRIES = 3


def booking_reschedule(
    *,
    booking: Booking,
    by,
    new_start: dt.datetime,
    now: dt.datetime,
    staff_override: bool = False,
    notify: bool = True,
) -> Booking:
    """Move an upcoming booking to ``new_start`` with the same therapist and service.

    The booking keeps its uid (calendars update the same event) and its SEQUENCE rises.
    Clients must respect the cut-off; staff may override it (recorded as a late reschedule).
    The client is screened again against the latest assessment (``rescreened``).
    ``notify=False`` sends no ``booking_changed`` signal (the caller announces the change).

    Raises:
        PolicyRefusal, SafetyRefusal, OutsideBookingWindow, SlotTaken (with alternatives).
    """
    try:
        for _attempt in range(ROOM_RETRIES):
            try:
                with transaction.atomic(), locking.lock_scope():
                    return _move(
                        booking=booking,
                        by=by,
                        new_start=new_start,
                        now=now,
                        staff_override=staff_override,
                        notify=notify,
                    )
            except IntegrityError as error:
                if "room_overlap" in checks.constraint_name(error):
                    log.info("room taken in a race while moving; choosing another room")
                    continue
                raise SlotTaken("That time was just taken.") from error
            except OperationalError as error:
                # As for a new booking: two bookings racing for one room's constraint entry.
                if not checks.is_deadlock(error):
                    raise
                log.info("room race ended in a deadlock while moving; choosing another room")
                continue
        raise SlotTaken("No room that suits this technique is free at that time.")
    except SlotTaken as error:
        raise SlotTaken(
            error.message,
            alternatives=checks.alternatives_near(
                service=booking.service, therapist=booking.therapist, wanted=new_start, now=now
            ),
        ) from error


def _move(
    *,
    booking: Booking,
    by,
    new_start: dt.datetime,
    now: dt.datetime,
    staff_override: bool,
    notify: bool,
) -> Booking:
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("practice", "therapist__practice", "service__technique", "room", "client")
        .get(pk=booking.pk)
    )
    if booking.status not in (BookingStatus.PENDING, BookingStatus.CONFIRMED):
        raise PolicyRefusal(
            f"A {booking.get_status_display().lower()} booking cannot be moved.",
            code="not_reschedulable",
        )
    cutoff = dt.timedelta(hours=booking.practice.cancellation_cutoff_hours)
    late = not s.can_reschedule(now, booking.starts_at, cutoff)
    if late and not staff_override:
        raise PolicyRefusal(
            "It is too late to move this session online: "
            f"changes are possible up to {booking.practice.cancellation_cutoff_hours} "
            "hours before. Please call the practice.",
            code="too_late_to_reschedule",
        )
    locking.lock_for_booking(therapist_ids=[booking.therapist_id])
    checks.licence_check(booking.therapist, new_start)
    slot = checks.check_free(
        therapist=booking.therapist,
        service=booking.service,
        start=new_start,
        now=now,
        ignore_ids=(booking.pk,),
    )
    limits.check_client_free(
        client_id=booking.client_id, start=slot.start, end=slot.end, ignore_ids=(booking.pk,)
    )
    needed = mappers.spec_for(booking.service).occupied(slot.start)
    room = locking.claim_room(
        service=booking.service, needed=needed, prefer=booking.room, ignore_ids=(booking.pk,)
    )
    after_save = rescreened(booking, service=booking.service, start=slot.start, now=now)
    previous = booking.starts_at
    booking.starts_at, booking.ends_at = slot.start, slot.end
    booking.busy_from, booking.busy_until = needed.start, needed.end
    booking.room = room
    booking.sequence += 1
    booking.reschedule_count += 1
    booking.late_reschedule = booking.late_reschedule or late
    booking.save()
    for link in after_save:
        link(booking)
    checks.event(
        booking,
        "rescheduled",
        by=by,
        at=now,
        previous_start=previous.isoformat(),
        new_start=slot.start.isoformat(),
        late=late,
    )
    if notify:
        transaction.on_commit(lambda: checks.after_commit("rescheduled", booking))
    return booking


def rescreened(
    row: Booking,
    *,
    service: Service,
    start: dt.datetime,
    now: dt.datetime,
    screening: Screening | None = None,
):
    """Screen ``row``'s client again for a move (issue 14: every move re-screens).

    The latest assessment and the holds decide as for a new booking: a refusal refuses the
    move. The fresh snapshot goes through the adjusters (``Draft.booking`` is the row), and a
    move that now needs clearance, with none recorded on the booking, waits as pending.
    ``screening`` is one made already for this client and technique (a series move screens
    once). Returns the functions the adjusters want called once the row is saved.
    """
    if screening is None or not screening.covers(
        client=row.client, technique_slug=service.technique.slug
    ):
        screening = screen_for_booking(
            client=row.client, technique_slug=service.technique.slug, now=now, booking=row
        )
    draft = hooks.Draft(
        client=row.client,
        practice_id=row.practice_id,
        therapist_id=row.therapist_id,
        technique_id=service.technique_id,
        starts_at=start,
        now=now,
        safety=dict(screening.snapshot),
        booking=row,
    )
    after = hooks.run_adjusters(draft)
    row.safety = draft.safety
    row.assessment = screening.assessment
    if screening.needs_clearance and row.clearance_recorded_at is None:
        row.needs_clearance = True
        row.status = BookingStatus.PENDING
    return after
