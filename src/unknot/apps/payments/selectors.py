"""Reads of payments."""

from __future__ import annotations

from unknot.apps.payments.models import Payment
from unknot.apps.practices.models import Practice


def practice_by_slug(slug: str):
    return Practice.objects.filter(slug=slug)


def payments_of_booking(booking):
    return Payment.objects.filter(booking=booking).order_by("created_at", "id")


def payments_of_client(client):
    return Payment.objects.filter(client=client).select_related("practice").order_by("created_at")
