"""Every write to the waitlist: join, leave, offer a freed slot, accept, decline, expire.

A freed slot is offered to one waiting client at a time, in the order they joined. The offer
lasts ``practice.waitlist_offer_minutes`` (never past the booking notice before the slot);
when it expires or is declined the next matching client gets it. Accepting books through
``booking_create``, so the double-booking rules and the safety gate hold; if the slot was
taken meanwhile the client hears so and stays on the list.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Q

from unknot.apps.booking import mappers
from unknot.apps.booking.availability import find_slots
from unknot.apps.booking.errors import NotBookable, PolicyRefusal, SafetyRefusal, SlotTaken
from unknot.apps.booking.models import LIVE_STATUSES, Booking
from unknot.apps.booking.safety import screen_for_booking
from unknot.apps.booking.services import booking_create
from unknot.apps.practices.models import Service, Technique
from unknot.apps.therapists.models import Therapist
from unknot.apps.waitlist.models import EntryStatus, OfferStatus, WaitlistEntry, WaitlistOffer
from unknot.domain import scheduling as s

log = logging.getLogger(__name__)

MAX_WAITING_PER_CLIENT = 10


def waitlist_join(
    *,
    client,
    technique: Technique,
    now: dt.datetime,
    therapist: Therapist | None = None,
    earliest_time: dt.time | None = None,
    latest_time: dt.time | None = None,
    weekdays: list[int] | tuple[int, ...] = (),
    earliest_date: dt.date | None = None,
    latest_date: dt.date | None = None,
) -> tuple[WaitlistEntry, bool]:
    """Put ``client`` on the waitlist; ``(entry, created)``. The same wish twice is one entry.

    Raises:
        NotBookable: a therapist who does not practise the technique, a window that ends before
            it starts, a date range already over, or too many entries.
    """
    if therapist is not None and not therapist.techniques.filter(pk=technique.pk).exists():
        raise NotBookable(
            f"{therapist.display_name} does not practise {technique.name}.", field="therapist"
        )
    if earliest_time and latest_time and earliest_time >= latest_time:
        raise NotBookable("The time window must end after it starts.", field="latest_time")
    if earliest_date and latest_date and earliest_date > latest_date:
        raise NotBookable("The last date must not be before the first.", field="latest_date")
    if latest_date and latest_date < now.date():
        raise NotBookable("The last date is already past.", field="latest_date")
    days = sorted(set(weekdays))
    if any(not isinstance(d, int) or isinstance(d, bool) or d not in range(7) for d in days):
        raise NotBookable("Weekdays are 0 (Monday) to 6 (Sunday).", field="weekdays")
    wish = {
        "client": client,
        "technique": technique,
        "therapist": therapist,
        "earliest_time": earliest_time,
        "latest_time": latest_time,
        "earliest_date": earliest_date,
        "latest_date": latest_date,
    }
    with transaction.atomic():
        for entry in WaitlistEntry.objects.filter(status=EntryStatus.WAITING, **wish):
            if entry.weekdays == days:
                return entry, False
        waiting = WaitlistEntry.objects.filter(client=client, status=EntryStatus.WAITING).count()
        if waiting >= MAX_WAITING_PER_CLIENT:
            raise NotBookable(
                f"You can wait for at most {MAX_WAITING_PER_CLIENT} things at once; "
                "leave one first.",
                field="technique",
            )
        entry = WaitlistEntry.objects.create(
            **wish,
            practice=therapist.practice if therapist else None,
            weekdays=days,
            created_at=now,
        )
    return entry, True


def waitlist_leave(*, entry: WaitlistEntry, now: dt.datetime) -> WaitlistEntry:
    """Take the entry off the list; an open offer passes to the next client."""
    with transaction.atomic():
        entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status != EntryStatus.WAITING:
            return entry
        entry.status = EntryStatus.LEFT
        entry.save(update_fields=["status", "updated_at"])
        for offer in entry.offers.filter(status=OfferStatus.OFFERED):
            _close(offer, OfferStatus.DECLINED, now)
            _pass_on(offer)
    return entry


# --- matching ----------------------------------------------------------------------------------


def entry_matches(entry: WaitlistEntry, *, start: dt.datetime, end: dt.datetime, tz) -> bool:
    """Does a session ``[start, end)`` (aware) suit the entry's days, times and dates?"""
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    day = local_start.date()
    if entry.weekdays and local_start.weekday() not in entry.weekdays:
        return False
    if entry.earliest_date and day < entry.earliest_date:
        return False
    if entry.latest_date and day > entry.latest_date:
        return False
    if entry.earliest_time and local_start.time() < entry.earliest_time:
        return False
    # A session ending at midnight ends "at 24:00", after any latest time.
    ends = local_end.time() if local_end.date() == day else dt.time.max
    return not (entry.latest_time and ends > entry.latest_time)


def _slot_still_free(*, therapist: Therapist, service: Service, start: dt.datetime, now) -> bool:
    """Would the slot be offered to anyone booking now (hours, bookings, room, rules)?"""
    step = dt.timedelta(minutes=therapist.practice.slot_step_minutes)
    slots = find_slots(
        technique=service.technique,
        duration_minutes=service.duration_minutes,
        window=s.TimeRange(start, start + step),
        now=now,
        therapist_uid=therapist.uid,
    )
    return any(slot.start == start for slot in slots)


def _client_busy(client_id: int, start: dt.datetime, end: dt.datetime) -> bool:
    return Booking.objects.filter(
        client_id=client_id, status__in=LIVE_STATUSES, starts_at__lt=end, ends_at__gt=start
    ).exists()


def _expiry(*, therapist: Therapist, start: dt.datetime, now: dt.datetime) -> dt.datetime:
    practice = therapist.practice
    return min(
        now + dt.timedelta(minutes=practice.waitlist_offer_minutes),
        start - dt.timedelta(minutes=practice.min_notice_minutes),
    )


def waitlist_offer_slot(
    *,
    therapist: Therapist,
    service: Service,
    start: dt.datetime,
    now: dt.datetime,
    exclude_client_ids: tuple[int, ...] = (),
) -> WaitlistOffer | None:
    """Offer a freed slot to the first matching waiting client who has not had it yet.

    Nothing is offered when the slot is not free any more, when there is too little time left
    to answer before the booking notice, or when an offer for it is already open. Clients whose
    self-assessment would refuse the technique, or who are busy then, are passed over. The
    email (and, where the task backend can defer, the expiry check) go out on commit.
    """
    start = start.astimezone(dt.UTC)
    expires_at = _expiry(therapist=therapist, start=start, now=now)
    if expires_at <= now:
        return None
    end = start + dt.timedelta(minutes=service.duration_minutes)
    tz = mappers.tz_for(therapist.practice)
    with transaction.atomic():
        # One offer at a time per therapist's freed slot: offers for a therapist queue here.
        Therapist.objects.select_for_update().get(pk=therapist.pk)
        same_slot = WaitlistOffer.objects.filter(therapist=therapist, slot_start=start)
        for stale in same_slot.filter(status=OfferStatus.OFFERED, expires_at__lte=now):
            _close(stale, OfferStatus.EXPIRED, now)
        if same_slot.filter(status=OfferStatus.OFFERED).exists():
            return None
        if not _slot_still_free(therapist=therapist, service=service, start=start, now=now):
            return None
        tried = set(same_slot.values_list("entry_id", flat=True))
        queue = (
            WaitlistEntry.objects.select_related("client", "technique")
            .filter(status=EntryStatus.WAITING, technique_id=service.technique_id)
            .filter(Q(therapist__isnull=True) | Q(therapist_id=therapist.pk))
            .filter(Q(practice__isnull=True) | Q(practice_id=therapist.practice_id))
            .exclude(pk__in=tried)
            .exclude(client_id__in=exclude_client_ids)
            .order_by("created_at", "id")
        )
        for entry in queue:
            if not entry_matches(entry, start=start, end=end, tz=tz):
                continue
            if _client_busy(entry.client_id, start, end):
                continue
            try:
                screen_for_booking(
                    client=entry.client, technique_slug=entry.technique.slug, now=now
                )
            except SafetyRefusal:
                continue
            offer = WaitlistOffer.objects.create(
                entry=entry,
                therapist=therapist,
                service=service,
                slot_start=start,
                expires_at=expires_at,
                created_at=now,
            )
            transaction.on_commit(lambda o=offer: _after_offer(o))
            return offer
    return None


def _after_offer(offer: WaitlistOffer) -> None:
    from unknot.apps.waitlist import tasks

    try:
        tasks.send_offer_email.enqueue(offer_id=offer.pk)
        tasks.schedule_expiry(offer)
    except Exception:  # the offer stands; the sweep expires it and the page shows it
        log.exception("could not queue the waitlist offer %s", offer.uid)


def _pass_on(offer: WaitlistOffer) -> None:
    """After an offer closes, offer the same slot to the next client (once committed)."""
    from unknot.apps.waitlist import tasks

    def enqueue() -> None:
        try:
            tasks.offer_freed_slot.enqueue(
                therapist_id=offer.therapist_id,
                service_id=offer.service_id,
                start=offer.slot_start.isoformat(),
            )
        except Exception:
            log.exception("could not pass the waitlist offer %s on", offer.uid)

    transaction.on_commit(enqueue)


def _close(offer: WaitlistOffer, status: str, now: dt.datetime) -> None:
    offer.status = status
    offer.responded_at = now
    offer.save(update_fields=["status", "responded_at"])


# --- the client's answer ------------------------------------------------------------------


def waitlist_offer_decline(*, offer: WaitlistOffer, now: dt.datetime) -> WaitlistOffer:
    """The client does not want this time; they stay on the list and the next client is asked."""
    with transaction.atomic():
        offer = WaitlistOffer.objects.select_for_update().get(pk=offer.pk)
        if offer.status != OfferStatus.OFFERED:
            raise PolicyRefusal("This offer is no longer open.", code="offer_closed")
        _close(offer, OfferStatus.DECLINED, now)
        _pass_on(offer)
    return offer


def waitlist_offer_expire(*, offer: WaitlistOffer, now: dt.datetime) -> bool:
    """Expire an open offer whose time is up and pass the slot on; False if nothing to do."""
    with transaction.atomic():
        offer = WaitlistOffer.objects.select_for_update().get(pk=offer.pk)
        if offer.status != OfferStatus.OFFERED or offer.expires_at > now:
            return False
        _close(offer, OfferStatus.EXPIRED, now)
        _pass_on(offer)
    return True


def waitlist_expire_due(*, now: dt.datetime) -> int:
    """Expire every open offer whose time is up (the sweep behind the deferred tasks)."""
    due = WaitlistOffer.objects.filter(status=OfferStatus.OFFERED, expires_at__lte=now)
    return sum(waitlist_offer_expire(offer=offer, now=now) for offer in due)


def waitlist_offer_accept(*, offer: WaitlistOffer, client, now: dt.datetime) -> Booking:
    """Book the offered slot for the offer's client; see ``waitlist_offer_take``."""
    booking, _created = waitlist_offer_take(offer=offer, client=client, now=now)
    return booking


def waitlist_offer_take(*, offer: WaitlistOffer, client, now: dt.datetime) -> tuple[Booking, bool]:
    """Book the offered slot for the offer's client: ``(booking, created)``.

    Exactly one of several accepts books (``created``); every other one, simultaneous or
    later, returns the same booking with ``created=False``. Which one it is is decided under
    the offer's row lock, never from a read made before it.

    Raises:
        PolicyRefusal: ``offer_expired`` or ``offer_closed``.
        SlotTaken: the slot was booked meanwhile (``on_waitlist``: the client stays on the list).
        SafetyRefusal: the client's self-assessment refuses the technique now.
    """
    if offer.entry.client_id != client.pk:
        raise PolicyRefusal("This offer is not yours.", code="offer_closed")
    lost: SlotTaken | None = None
    expired = False
    with transaction.atomic():
        offer = (
            WaitlistOffer.objects.select_for_update(of=("self",))
            .select_related("entry", "service__technique", "therapist__practice")
            .get(pk=offer.pk)
        )
        if offer.status == OfferStatus.ACCEPTED and offer.booking is not None:
            return offer.booking, False
        if offer.status != OfferStatus.OFFERED:
            raise PolicyRefusal(_closed_message(offer), code="offer_closed")
        if offer.expires_at <= now:
            _close(offer, OfferStatus.EXPIRED, now)
            _pass_on(offer)
            expired = True
        else:
            try:
                booking, _ = booking_create(
                    client=client,
                    service=offer.service,
                    start=offer.slot_start,
                    now=now,
                    therapist=offer.therapist,
                    idempotency_key=f"waitlist-{offer.uid}",
                    created_by=client,
                )
            except (SlotTaken, NotBookable) as error:
                _close(offer, OfferStatus.SUPERSEDED, now)
                lost = error if isinstance(error, SlotTaken) else SlotTaken(error.message)
            else:
                offer.booking = booking
                _close(offer, OfferStatus.ACCEPTED, now)
                offer.save(update_fields=["booking"])
                WaitlistEntry.objects.filter(pk=offer.entry_id).update(status=EntryStatus.BOOKED)
                for other in WaitlistOffer.objects.filter(
                    entry_id=offer.entry_id, status=OfferStatus.OFFERED
                ).exclude(pk=offer.pk):
                    _close(other, OfferStatus.SUPERSEDED, now)
                    _pass_on(other)
                return booking, True
    if expired:
        raise PolicyRefusal(
            "This offer has expired and the time went to the next person waiting. You are "
            "still on the waitlist.",
            code="offer_expired",
        )
    raise SlotTaken(
        "Sorry, someone else booked that time first. You are still on the waitlist and we "
        "will write again when another time frees up.",
        alternatives=lost.extra.get("alternatives", []) if lost else [],
        on_waitlist=True,
    )


def _closed_message(offer: WaitlistOffer) -> str:
    return {
        OfferStatus.EXPIRED: "This offer has expired. You are still on the waitlist.",
        OfferStatus.DECLINED: "You declined this offer. You are still on the waitlist.",
        OfferStatus.SUPERSEDED: "That time is no longer available. You are still on the waitlist.",
    }.get(offer.status, "This offer is no longer open.")


# --- freed time --------------------------------------------------------------------------------


def waitlist_offer_freed(
    *,
    therapist_id: int,
    service_id: int,
    start: dt.datetime,
    now: dt.datetime,
    exclude_client_ids: tuple[int, ...] = (),
) -> WaitlistOffer | None:
    """A session time was given up: offer it (see ``waitlist_offer_slot``)."""
    therapist = Therapist.objects.select_related("practice").filter(pk=therapist_id).first()
    service = Service.objects.select_related("technique").filter(pk=service_id).first()
    if therapist is None or service is None or not service.is_active:
        return None
    return waitlist_offer_slot(
        therapist=therapist,
        service=service,
        start=start,
        now=now,
        exclude_client_ids=exclude_client_ids,
    )
