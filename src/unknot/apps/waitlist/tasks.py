"""Background tasks (django-tasks) of the waitlist. They take ids and re-read the database.

``expire_offer`` is enqueued with ``run_after`` = the offer's expiry where the backend can
defer (the database backend the worker runs); it checks again before acting, so an offer
answered meanwhile is left alone. ``unknot waitlist_sweep`` expires whatever is overdue, for
backends that cannot defer and for tasks that were lost.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

from unknot.apps.waitlist import emails, services
from unknot.apps.waitlist.models import OfferStatus, WaitlistOffer

log = logging.getLogger(__name__)


@task()
def send_offer_email(*, offer_id: int) -> str:
    """Email the waiting client the offer and its link; nothing if it closed meanwhile."""
    offer = (
        WaitlistOffer.objects.select_related(
            "entry__client", "therapist__practice", "service__technique"
        )
        .filter(pk=offer_id, status=OfferStatus.OFFERED)
        .first()
    )
    if offer is None:
        return "closed"
    emails.send_offer(offer)
    return "sent"


@task()
def expire_offer(*, offer_id: int) -> bool:
    offer = WaitlistOffer.objects.filter(pk=offer_id).first()
    if offer is None:
        return False
    return services.waitlist_offer_expire(offer=offer, now=timezone.now())


@task()
def offer_freed_slot(
    *, therapist_id: int, service_id: int, start: str, exclude_client_ids: list[int] | None = None
) -> str | None:
    """Offer a freed session time to the next waiting client; the offer's uid, or None."""
    offer = services.waitlist_offer_freed(
        therapist_id=therapist_id,
        service_id=service_id,
        start=dt.datetime.fromisoformat(start),
        now=timezone.now(),
        exclude_client_ids=tuple(exclude_client_ids or ()),
    )
    return offer.uid if offer else None


def schedule_expiry(offer: WaitlistOffer) -> None:
    """Ask the backend to check the offer when it expires, if it can run tasks later."""
    if expire_offer.get_backend().supports_defer:
        expire_offer.using(run_after=offer.expires_at).enqueue(offer_id=offer.pk)
