"""Every write to a booking: create, reschedule, cancel, complete, no-show, clearance.

Each runs in one transaction. A new booking is screened (``safety.screen_for_booking``, which
runs the holds of ``booking.hooks``) and shaped by the hooks' adjusters inside it, then
inserted once with its final safety snapshot. On SQLite the transaction is IMMEDIATE, so
writers queue and the overlap check inside it sees every earlier booking; on PostgreSQL the
therapist row is locked first and the exclusion constraints have the last word. A lost race
becomes ``SlotTaken`` with nearby alternatives, never a server error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Exists, OuterRef

from unknot.apps.booking import hooks, limits, mappers
from unknot.apps.booking.availability import find_slots
from unknot.apps.booking.errors import (
    BookingError,
    ClientBusy,
    IdempotencyKeyReused,
    NotBookable,
    OutsideBookingWindow,
    PolicyRefusal,
    SlotTaken,
)
from unknot.apps.booking.models import (
    LIVE_STATUSES,
    MAX_BUSY_SPAN,
    Booking,
    BookingEvent,
    BookingStatus,
)
from unknot.apps.booking.safety import Screening, screen_for_booking
from unknot.apps.booking.selectors import live_bookings_in, therapist_calendars
from unknot.apps.practices.models import Room, Service
from unknot.apps.therapists.models import Therapist
from unknot.domain import scheduling as s

log = logging.getLogger(__name__)

ALTERNATIVES = 5
ALTERNATIVES_SPAN = dt.timedelta(days=3)
ROOM_RETRIES = 3


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def _event(booking: Booking, kind: str, *, by, at: dt.datetime, **data) -> None:
    BookingEvent.objects.create(booking=booking, kind=kind, by=by, at=at, data=data)


def _constraint_name(error: IntegrityError) -> str:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", "") or str(error)


def alternatives_near(
    *, service: Service, therapist: Therapist | None, wanted: dt.datetime, now: dt.datetime
) -> list[dict]:
    """Up to five free slots nearest to ``wanted`` (same technique and length)."""
    window = s.TimeRange(max(wanted - ALTERNATIVES_SPAN, now), max(wanted, now) + ALTERNATIVES_SPAN)
    slots = find_slots(
        technique=service.technique,
        duration_minutes=service.duration_minutes,
        window=window,
        now=now,
        therapist_uid=therapist.uid if therapist else None,
    )
    slots.sort(key=lambda x: (abs(x.start - wanted), x.start))
    return [
        {
            "start": slot.local_start.isoformat(),
            "end": slot.local_end.isoformat(),
            "therapist": slot.therapist.uid,
            "therapist_name": slot.therapist.display_name,
        }
        for slot in slots[:ALTERNATIVES]
    ]


def _check_free(
    *,
    therapist: Therapist,
    service: Service,
    start: dt.datetime,
    now: dt.datetime,
    ignore_booking: Booking | None = None,
    on_grid: bool = True,
) -> s.Slot:
    """The friendly pre-check: the slot fits the therapist's hours, time off and bookings."""
    practice = therapist.practice
    spec = mappers.spec_for(service)
    needed = spec.occupied(start)
    window = s.TimeRange(needed.start - dt.timedelta(days=1), needed.end + dt.timedelta(days=1))
    calendar = therapist_calendars(therapist_ids=[therapist.pk], window=window, tz_by_therapist={})[
        therapist.pk
    ]
    bookings = [b for b in calendar.bookings if ignore_booking is None or b.pk != ignore_booking.pk]
    tz = mappers.tz_for(practice)
    working = s.working_ranges(
        mappers.weekly_hours(calendar.weekly),
        mappers.date_overrides(calendar.overrides),
        mappers.time_off(calendar.time_off),
        tz,
        window,
    )
    free = s.free_ranges(working, mappers.busy(bookings))
    try:
        return s.ensure_bookable(
            start, free, spec, mappers.rules_for(practice), tz, now, on_grid=on_grid
        )
    except s.OutsideBookingWindow as error:
        raise OutsideBookingWindow(
            "That time is outside the booking window: "
            f"at least {practice.min_notice_minutes} minutes ahead and at most "
            f"{practice.booking_window_days} days ahead.",
        ) from error
    except s.SlotUnavailable as error:
        raise SlotTaken("That time is not free any more.") from error


def _free_room(
    *, service: Service, needed: s.TimeRange, prefer: Room | None = None, ignore: Booking | None
) -> Room:
    """A suitable room with no live booking over ``needed``: ``prefer`` first, then by name.

    One statement whatever the number of rooms. It is written out in SQL because building it
    through the ORM (a correlated NOT EXISTS) cost about 0.7 ms of Python per booking, three
    times what running it costs; tests/apps/booking/test_services_booking_create.py checks it
    against the ORM's answer. The overlap test is ``live_bookings_in``'s: live status, and
    ``busy_from`` bounded on both sides so the (room, busy_from) index answers.
    """
    adapt = connection.ops.adapt_datetimefield_value
    statuses = ", ".join(["%s"] * len(LIVE_STATUSES))
    sql = (
        f"SELECT r.* FROM {Room._meta.db_table} r "
        f"JOIN {Room.techniques.through._meta.db_table} t ON t.room_id = r.id "
        "WHERE r.practice_id = %s AND r.is_active AND t.technique_id = %s AND NOT EXISTS ("
        f"SELECT 1 FROM {Booking._meta.db_table} b WHERE b.room_id = r.id "
        f"AND b.status IN ({statuses}) AND b.busy_from < %s AND b.busy_from >= %s "
        "AND b.busy_until > %s"
    )
    params: list = [
        service.practice_id,
        service.technique_id,
        *(str(status) for status in LIVE_STATUSES),
        adapt(needed.end),
        adapt(needed.start - MAX_BUSY_SPAN),
        adapt(needed.start),
    ]
    if ignore is not None:
        sql += " AND b.id <> %s"
        params.append(ignore.pk)
    sql += ") ORDER BY "
    if prefer is not None:
        sql += "CASE WHEN r.id = %s THEN 0 ELSE 1 END, "
        params.append(prefer.pk)
    sql += "r.name LIMIT 1"
    room = next(iter(Room.objects.raw(sql, params)), None)
    if room is None:
        raise SlotTaken("No room that suits this technique is free at that time.")
    return prefer if prefer is not None and room.pk == prefer.pk else room


def _claim_room(*, service: Service, needed: s.TimeRange) -> Room:
    """A free suitable room, its row locked until the transaction ends.

    Bookings of different therapists run side by side (each locks only its therapist), so two
    of them can choose the same free room. The chosen room's row is locked and the room checked
    again under the lock: the second booking waits for the first to commit, sees its booking
    and chooses the next room, instead of both inserting and meeting at the exclusion
    constraint, where one loses its attempt (or, on PostgreSQL, is aborted as a deadlock).
    Ends: a room found taken under the lock is taken by a committed booking, so the next choice
    has one candidate fewer, and ``_free_room`` raises ``SlotTaken`` once none is left.
    """
    while True:
        room = _free_room(service=service, needed=needed, ignore=None)
        if connection.vendor == "sqlite":
            return room  # writers are serialised already (IMMEDIATE transactions)
        list(Room.objects.select_for_update().filter(pk=room.pk).order_by().values_list("pk"))
        if not live_bookings_in(needed).filter(room_id=room.pk).exists():
            return room
        log.info("room %s taken while choosing it; choosing again", room.pk)


def _lock_therapist(pk: int, *, technique_id: int) -> Therapist:
    """The therapist row, locked until the transaction ends, with its practice (not locked).

    ``practises`` tells whether they practise ``technique_id``, read in the same query. Only
    the therapist's row is locked (``of``): a plain FOR UPDATE over the join would lock the
    practice's row too and so serialise every booking of the practice, whoever the therapist.
    """
    practises = Therapist.techniques.through.objects.filter(
        therapist_id=OuterRef("pk"), technique_id=technique_id
    )
    return (
        Therapist.objects.select_for_update(of=("self",))
        .select_related("practice")
        .annotate(practises=Exists(practises))
        .get(pk=pk)
    )


def _licence_check(therapist: Therapist, start: dt.datetime) -> None:
    day = start.astimezone(mappers.tz_for(therapist.practice)).date()
    if not therapist.licence_valid_on(day):
        raise NotBookable(
            f"{therapist.display_name}'s licence is not valid on {day:%d %B %Y}.",
            field="therapist",
        )


def _resolve_service(
    *, therapist: Therapist, service: Service, practises: bool | None = None
) -> Service:
    """The service to book with ``therapist``: ``service`` or its twin in their practice.

    ``practises`` is whether the therapist practises the service's technique, when the caller
    has read it already (``_lock_therapist``); None reads it here.
    """
    if not therapist.is_active:
        raise NotBookable("That therapist is not taking bookings.", field="therapist")
    if practises is None:
        practises = therapist.techniques.filter(pk=service.technique_id).exists()
    if not practises:
        raise NotBookable(
            f"{therapist.display_name} does not practise {service.technique.name}.",
            field="therapist",
        )
    if service.practice_id != therapist.practice_id:
        match = (
            Service.objects.select_related("technique", "practice")
            .filter(
                practice_id=therapist.practice_id,
                technique_id=service.technique_id,
                duration_minutes=service.duration_minutes,
                is_active=True,
            )
            .first()
        )
        if match is None:
            raise NotBookable("That practice does not offer this service.", field="service")
        return match
    if not service.is_active:
        raise NotBookable("That service is not offered any more.", field="service")
    return service


def booking_create(
    *,
    client,
    service: Service,
    start: dt.datetime,
    now: dt.datetime,
    therapist: Therapist | None = None,
    idempotency_key: str | None = None,
    client_note: str = "",
    created_by=None,
    notify: bool = True,
    screening: Screening | None = None,
) -> tuple[Booking, bool]:
    """Book ``service`` at ``start`` for ``client``; return ``(booking, created)``.

    ``therapist=None`` means any therapist: the first (by name) who practises the technique,
    holds a valid licence on the day and is free, with a suitable room. A repeated
    ``idempotency_key`` with the same request returns the first booking and ``created=False``.
    ``notify=False`` sends no ``booking_changed`` signal (a program announces its sessions once).
    ``screening`` is the gate's answer the caller already has for this client and technique
    in the same transaction (a program screens once for its whole series); any other client or
    technique is screened again.

    Raises:
        SafetyRefusal: the latest assessment says refer or postpone, is missing, or excluded
            this technique.
        NotBookable, OutsideBookingWindow, SlotTaken (with alternatives), IdempotencyKeyReused.
    """
    fingerprint = _fingerprint(
        service.technique_id,
        service.duration_minutes,
        therapist and therapist.pk,
        start.isoformat(),
    )
    # A repeated Idempotency-Key is looked up only when booking does not go through, so a first
    # request (nearly all of them) saves that query. A repeat cannot book twice: the key is
    # unique per client in the database, so its insert fails and returns the first booking.
    try:
        return _book(
            client=client,
            service=service,
            start=start,
            now=now,
            therapist=therapist,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
            client_note=client_note,
            created_by=created_by or client,
            notify=notify,
            screening=screening,
        )
    except BookingError as error:
        replayed = _replayed(
            client=client, idempotency_key=idempotency_key, fingerprint=fingerprint
        )
        if replayed is not None:
            return replayed, False
        if isinstance(error, SlotTaken):
            raise SlotTaken(
                error.message,
                alternatives=alternatives_near(
                    service=service, therapist=therapist, wanted=start, now=now
                ),
            ) from error
        raise


def _replayed(*, client, idempotency_key: str | None, fingerprint: str) -> Booking | None:
    """The booking first made with ``idempotency_key``, if any.

    Raises:
        IdempotencyKeyReused: that booking was made for a different request.
    """
    if not idempotency_key:
        return None
    existing = Booking.objects.filter(client=client, idempotency_key=idempotency_key).first()
    if existing is not None and existing.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used for a different booking request."
        )
    return existing


def _book(
    *,
    client,
    service: Service,
    start: dt.datetime,
    now: dt.datetime,
    therapist: Therapist | None,
    idempotency_key: str | None,
    fingerprint: str,
    client_note: str,
    created_by,
    notify: bool,
    screening: Screening | None,
) -> tuple[Booking, bool]:
    """``booking_create`` without the look-up of a repeated key; SlotTaken has no alternatives.

    One transaction: the screening (with the hooks' holds) and every candidate's attempt,
    each attempt in its own savepoint.
    """
    with transaction.atomic():
        if screening is None or not screening.covers(
            client=client, technique_slug=service.technique.slug
        ):
            screening = screen_for_booking(
                client=client, technique_slug=service.technique.slug, now=now
            )
        return _book_screened(
            client=client,
            service=service,
            start=start,
            now=now,
            therapist=therapist,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
            client_note=client_note,
            created_by=created_by,
            notify=notify,
            screening=screening,
        )


def _book_screened(
    *,
    client,
    service: Service,
    start: dt.datetime,
    now: dt.datetime,
    therapist: Therapist | None,
    idempotency_key: str | None,
    fingerprint: str,
    client_note: str,
    created_by,
    notify: bool,
    screening: Screening,
) -> tuple[Booking, bool]:

    candidates = (
        [therapist]
        if therapist is not None
        else list(
            Therapist.objects.filter(
                is_active=True, techniques=service.technique_id, licence_verified_at__isnull=False
            )
            .select_related("practice")
            .order_by("display_name")
        )
    )
    if not candidates:
        raise NotBookable("Nobody practises that technique at the moment.", field="technique")

    last_error: Exception | None = None
    for candidate in candidates:
        try:
            booking = _create_with(
                client=client,
                therapist=candidate,
                service=service,
                start=start,
                now=now,
                screening=screening,
                idempotency_key=idempotency_key,
                fingerprint=fingerprint,
                client_note=client_note,
                created_by=created_by,
                notify=notify,
            )
            return booking, True
        except (SlotTaken, NotBookable) as error:
            if therapist is not None:
                last_error = error
                break
            last_error = error
        except _IdempotentReplay as replay:
            return replay.booking, False

    if isinstance(last_error, NotBookable) and therapist is not None:
        raise last_error
    raise SlotTaken(
        "That time was just taken." if therapist else "No therapist is free at that time."
    )


class _IdempotentReplay(Exception):
    def __init__(self, booking: Booking) -> None:
        self.booking = booking


def _create_with(
    *,
    client,
    therapist: Therapist,
    service: Service,
    start: dt.datetime,
    now: dt.datetime,
    screening: Screening,
    idempotency_key: str | None,
    fingerprint: str,
    client_note: str,
    created_by,
    notify: bool = True,
) -> Booking:
    for _attempt in range(ROOM_RETRIES):
        try:
            with transaction.atomic():
                # Serialise bookings per therapist on PostgreSQL (SQLite serialises all writers),
                # then check the therapist as the lock holds them: active, practising the
                # technique, the service of their practice, a licence valid on the day. The
                # client is locked first: their cap and their other sessions (limits.py).
                limits.lock_client(client.pk)
                locked = _lock_therapist(therapist.pk, technique_id=service.technique_id)
                target = _resolve_service(
                    therapist=locked, service=service, practises=locked.practises
                )
                _licence_check(locked, start)
                spec = mappers.spec_for(target)
                slot = _check_free(therapist=locked, service=target, start=start, now=now)
                limits.check_new_booking(
                    client_id=client.pk,
                    practice=locked.practice,
                    start=slot.start,
                    end=slot.end,
                    now=now,
                )
                needed = spec.occupied(slot.start)
                room = _claim_room(service=target, needed=needed)
                # The hooks' adjusters shape the snapshot before the insert (a copy: a series
                # shares one screening), so the row is written once, as it stays.
                draft = hooks.Draft(
                    client=client,
                    practice_id=locked.practice_id,
                    therapist_id=locked.pk,
                    technique_id=target.technique_id,
                    starts_at=slot.start,
                    now=now,
                    safety=dict(screening.snapshot),
                )
                after_insert = hooks.run_adjusters(draft)
                # The related rows are given as instances, so the booking returned carries
                # what the response and the notifications read (no query to fetch them again).
                booking = Booking.objects.create(
                    practice=locked.practice,
                    client=client,
                    therapist=locked,
                    room=room,
                    service=target,
                    technique=target.technique,
                    starts_at=slot.start,
                    ends_at=slot.end,
                    busy_from=needed.start,
                    busy_until=needed.end,
                    status=BookingStatus.PENDING
                    if screening.needs_clearance
                    else BookingStatus.CONFIRMED,
                    price=target.price,
                    idempotency_key=idempotency_key or None,
                    request_fingerprint=fingerprint,
                    assessment=screening.assessment,
                    safety=draft.safety,
                    needs_clearance=screening.needs_clearance,
                    client_note=client_note,
                )
                for link in after_insert:
                    link(booking)
                _event(booking, "created", by=created_by, at=now, status=booking.status)
                if notify:
                    transaction.on_commit(lambda b=booking: _after_commit("created", b))
                return booking
        except IntegrityError as error:
            name = _constraint_name(error)
            if "idempotency" in name and idempotency_key:
                existing = _replayed(
                    client=client, idempotency_key=idempotency_key, fingerprint=fingerprint
                )
                if existing is None:  # pragma: no cover - the key's row made the insert fail
                    raise
                raise _IdempotentReplay(existing) from error
            if "room_overlap" in name:
                log.info("room taken in a race; choosing another room")
                continue
            if "therapist_overlap" in name:
                raise SlotTaken("That time was just taken.") from error
            if "client_overlap" in name:
                raise ClientBusy("You already have a session at that time.") from error
            raise
        except OperationalError as error:
            # Two bookings of different therapists racing for the same room can each wait on
            # the other's exclusion-constraint entry; PostgreSQL then aborts one of them. That
            # is a lost room race like the one above: choose again (the other one won).
            if not _is_deadlock(error):
                raise
            log.info("room race ended in a deadlock; choosing another room")
            continue
    raise SlotTaken("No room that suits this technique is free at that time.")


def _is_deadlock(error: OperationalError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) == "40P01"


def _after_commit(kind: str, booking: Booking) -> None:
    """Side effects once a change is durable. Notifications hook in here."""
    from unknot.apps.booking import signals

    signals.booking_changed.send(sender=Booking, kind=kind, booking=booking)


def _rescreened(
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


def booking_cancel(
    *, booking: Booking, by, now: dt.datetime, reason: str = "", notify: bool = True
) -> Booking:
    """Cancel an upcoming booking. Inside the practice's cut-off it is recorded as late.

    ``notify=False`` sends no ``booking_changed`` signal (the caller announces the change).

    Raises:
        PolicyRefusal: the booking is not pending/confirmed or has already started.
    """
    with transaction.atomic():
        booking = Booking.objects.select_for_update().select_related("practice").get(pk=booking.pk)
        if booking.status not in (BookingStatus.PENDING, BookingStatus.CONFIRMED):
            raise PolicyRefusal(
                f"A {booking.get_status_display().lower()} booking cannot be cancelled.",
                code="not_cancellable",
            )
        cutoff = dt.timedelta(hours=booking.practice.cancellation_cutoff_hours)
        try:
            outcome = s.cancellation_outcome(now, booking.starts_at, cutoff)
        except s.TooLateToCancel as error:
            raise PolicyRefusal(
                "This session has already started and can no longer be cancelled.",
                code="too_late_to_cancel",
            ) from error
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
        booking.cancelled_by = by
        booking.cancellation_reason = reason[:300]
        booking.late_cancellation = outcome == s.CancellationOutcome.LATE
        booking.sequence += 1
        booking.save(
            update_fields=[
                "status",
                "cancelled_at",
                "cancelled_by",
                "cancellation_reason",
                "late_cancellation",
                "sequence",
                "updated_at",
            ]
        )
        _event(booking, "cancelled", by=by, at=now, late=booking.late_cancellation, reason=reason)
        if notify:
            transaction.on_commit(lambda: _after_commit("cancelled", booking))
    return booking


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
    The client is screened again against the latest assessment (``_rescreened``).
    ``notify=False`` sends no ``booking_changed`` signal (the caller announces the change).

    Raises:
        PolicyRefusal, SafetyRefusal, OutsideBookingWindow, SlotTaken (with alternatives).
    """
    try:
        with transaction.atomic():
            booking = (
                Booking.objects.select_for_update()
                .select_related(
                    "practice", "therapist__practice", "service__technique", "room", "client"
                )
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
            Therapist.objects.select_for_update().get(pk=booking.therapist_id)
            _licence_check(booking.therapist, new_start)
            slot = _check_free(
                therapist=booking.therapist,
                service=booking.service,
                start=new_start,
                now=now,
                ignore_booking=booking,
            )
            limits.check_client_free(
                client_id=booking.client_id,
                start=slot.start,
                end=slot.end,
                ignore_ids=(booking.pk,),
            )
            spec = mappers.spec_for(booking.service)
            needed = spec.occupied(slot.start)
            room = _free_room(
                service=booking.service, needed=needed, prefer=booking.room, ignore=booking
            )
            after_save = _rescreened(booking, service=booking.service, start=slot.start, now=now)
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
            _event(
                booking,
                "rescheduled",
                by=by,
                at=now,
                previous_start=previous.isoformat(),
                new_start=slot.start.isoformat(),
                late=late,
            )
            if notify:
                transaction.on_commit(lambda: _after_commit("rescheduled", booking))
            return booking
    except IntegrityError as error:
        raise SlotTaken(
            "That time was just taken.",
            alternatives=alternatives_near(
                service=booking.service, therapist=booking.therapist, wanted=new_start, now=now
            ),
        ) from error
    except SlotTaken as error:
        raise SlotTaken(
            error.message,
            alternatives=alternatives_near(
                service=booking.service, therapist=booking.therapist, wanted=new_start, now=now
            ),
        ) from error


def _set_outcome(*, booking: Booking, by, now: dt.datetime, status: str) -> Booking:
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status != BookingStatus.CONFIRMED:
            raise PolicyRefusal(
                "Only a confirmed session can be marked completed or no-show.",
                code="wrong_status",
            )
        if now < booking.starts_at:
            raise PolicyRefusal("The session has not started yet.", code="not_started")
        booking.status = status
        booking.save(update_fields=["status", "updated_at"])
        _event(booking, status, by=by, at=now)
    return booking


def booking_mark_completed(*, booking: Booking, by, now: dt.datetime) -> Booking:
    return _set_outcome(booking=booking, by=by, now=now, status=BookingStatus.COMPLETED)


def booking_mark_no_show(*, booking: Booking, by, now: dt.datetime) -> Booking:
    return _set_outcome(booking=booking, by=by, now=now, status=BookingStatus.NO_SHOW)


def booking_record_clearance(*, booking: Booking, by, now: dt.datetime, note: str) -> Booking:
    """Staff record the medical clearance a pending booking waited for; it becomes confirmed."""
    if not note.strip():
        raise PolicyRefusal("Say what clearance was received.", code="clearance_note_required")
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status != BookingStatus.PENDING or not booking.needs_clearance:
            raise PolicyRefusal("This booking is not waiting for clearance.", code="wrong_status")
        booking.status = BookingStatus.CONFIRMED
        booking.clearance_recorded_at = now
        booking.clearance_recorded_by = by
        booking.clearance_note = note
        booking.sequence += 1
        booking.save()
        _event(booking, "clearance_recorded", by=by, at=now, note=note)
        transaction.on_commit(lambda: _after_commit("confirmed", booking))
    return booking


# --- several bookings at once (a program's sessions) -----------------------------------------


def booking_series_move(
    *,
    moves: list[tuple[Booking, dt.datetime]],
    by,
    now: dt.datetime,
    service: Service | None = None,
    notify: bool = False,
) -> list[Booking]:
    """Move several upcoming bookings at once, all or nothing; return the bookings that changed.

    Each ``(booking, new_start)`` gets the new start and, when ``service`` is given, that
    technique and length (matched to the booking therapist's practice). Every move is checked
    like a new booking (hours, time off, other bookings with buffers, a suitable room, licence,
    notice and window) against the calendar in which the moving bookings stand at their new
    times, not their old ones, so sessions may shift over each other's old places. A move to
    the same start and service is left alone. The bookings keep their uids; SEQUENCE rises.

    Every moved session is screened again against the client's latest assessment, once per
    client and technique (``_rescreened``: a refusal refuses the whole move; a session that now
    needs clearance and has none waits as pending).

    How: inside one transaction the moving bookings are first vacated (status cancelled holds
    no time, for the checks here and for PostgreSQL's exclusion constraints alike) and then
    placed one by one in their old status. Other transactions never see the vacated state.

    Raises:
        SlotTaken: ``extra["conflicts"]`` lists ``{"index", "start", "code", "message"}`` for
            every move that does not fit (index into ``moves``); nothing is changed.
        PolicyRefusal: a booking is no longer pending or confirmed.
    """
    if not moves:
        return []
    conflicts: list[dict] = []
    changed: list[Booking] = []
    screened: dict[tuple[int, str], Screening] = {}
    with transaction.atomic():
        locked = {
            row.pk: row
            for row in Booking.objects.select_for_update(of=("self",))
            .select_related(
                "practice", "therapist__practice", "service__technique", "room", "client"
            )
            .filter(pk__in=[booking.pk for booking, _ in moves])
            .order_by("pk")
        }
        for row in locked.values():
            if row.status not in (BookingStatus.PENDING, BookingStatus.CONFIRMED):
                raise PolicyRefusal(
                    f"A {row.get_status_display().lower()} session cannot be moved.",
                    code="not_reschedulable",
                )
        list(
            Therapist.objects.select_for_update()
            .filter(pk__in=sorted({row.therapist_id for row in locked.values()}))
            .order_by("pk")
        )
        plan = []
        for index, (booking, start) in enumerate(moves):
            row = locked[booking.pk]
            try:
                target = (
                    _resolve_service(therapist=row.therapist, service=service)
                    if service is not None
                    else row.service
                )
            except NotBookable as error:
                conflicts.append(_conflict(index, start, error))
                continue
            if start == row.starts_at and target.pk == row.service_id:
                continue
            plan.append((index, row, target, start))
        Booking.objects.filter(pk__in=[row.pk for _, row, _, _ in plan]).update(
            status=BookingStatus.CANCELLED
        )
        for index, row, target, start in plan:
            try:
                _licence_check(row.therapist, start)
                slot = _check_free(therapist=row.therapist, service=target, start=start, now=now)
                limits.check_client_free(
                    client_id=row.client_id, start=slot.start, end=slot.end, ignore_ids=(row.pk,)
                )
                needed = mappers.spec_for(target).occupied(slot.start)
                room = _free_room(service=target, needed=needed, prefer=row.room, ignore=None)
            except (SlotTaken, OutsideBookingWindow, NotBookable, ClientBusy) as error:
                conflicts.append(_conflict(index, start, error))
                continue
            previous = {"start": row.starts_at.isoformat(), "service": row.service_id}
            moved = slot.start != row.starts_at
            row.starts_at, row.ends_at = slot.start, slot.end
            row.busy_from, row.busy_until = needed.start, needed.end
            row.room = room
            row.service = target
            row.technique_id = target.technique_id
            row.price = target.price
            key = (row.client_id, target.technique.slug)
            if key not in screened:
                screened[key] = screen_for_booking(
                    client=row.client, technique_slug=key[1], now=now, booking=row
                )
            after_save = _rescreened(
                row, service=target, start=slot.start, now=now, screening=screened[key]
            )
            row.sequence += 1
            row.reschedule_count += 1 if moved else 0
            try:
                with transaction.atomic():
                    row.save()
                    for link in after_save:
                        link(row)
            except IntegrityError as error:  # a room taken by another therapist meanwhile
                conflicts.append(_conflict(index, start, SlotTaken("That time was just taken.")))
                log.info("series move lost a race: %s", _constraint_name(error))
                continue
            _event(
                row,
                "rescheduled" if moved else "changed",
                by=by,
                at=now,
                previous_start=previous["start"],
                new_start=row.starts_at.isoformat(),
                previous_service=previous["service"],
                service=target.pk,
            )
            changed.append(row)
        if conflicts:
            raise SlotTaken(
                "Not every session fits the new schedule; nothing was changed.",
                conflicts=sorted(conflicts, key=lambda c: c["index"]),
            )
        if notify:
            for row in changed:
                transaction.on_commit(lambda b=row: _after_commit("rescheduled", b))
    return changed


def _conflict(index: int, start: dt.datetime, error: Exception) -> dict:
    return {
        "index": index,
        "start": start.isoformat(),
        "code": getattr(error, "code", "slot_taken"),
        "message": getattr(error, "message", str(error)),
    }
