"""The offer email: text and HTML, a link with the offer's secret token, no health details."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from unknot.apps.booking import mappers
from unknot.apps.waitlist.models import WaitlistOffer


def offer_context(offer: WaitlistOffer) -> dict:
    practice = offer.therapist.practice
    tz = mappers.tz_for(practice)
    start = offer.slot_start.astimezone(tz)
    site_url = settings.SITE_URL.rstrip("/")
    return {
        "site_name": "Unknot",
        "site_url": site_url,
        "client_name": offer.entry.client.get_short_name(),
        "technique": offer.service.technique.name,
        "duration": offer.service.duration_minutes,
        "therapist": offer.therapist.display_name,
        "practice": practice,
        "start": start,
        "expires": offer.expires_at.astimezone(tz),
        "offer_url": site_url + reverse("waitlist:offer", args=[offer.token]),
        "waitlist_url": site_url + reverse("waitlist:mine"),
    }


def send_offer(offer: WaitlistOffer) -> None:
    context = offer_context(offer)
    subject = render_to_string("email/waitlist_offer_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("email/waitlist_offer.txt", context),
        to=[offer.entry.client.email],
        reply_to=[context["practice"].email] if context["practice"].email else None,
    )
    message.attach_alternative(render_to_string("email/waitlist_offer.html", context), "text/html")
    message.send()
