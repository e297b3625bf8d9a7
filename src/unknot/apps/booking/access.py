"""The one door to a booking. Deny by default; "not found" rather than "forbidden"."""

from __future__ import annotations

from django.http import Http404

from unknot.apps.booking.models import Booking


def can_see_booking(user, booking: Booking) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if booking.client_id == user.pk:
        return True
    if user.is_therapist and booking.therapist.user_id == user.pk:
        return True
    return user.is_practice_staff and user.practice_id == booking.practice_id


def is_practice_side(user, booking: Booking) -> bool:
    """True for the booking's therapist, staff of its practice and superusers."""
    if user.is_superuser:
        return True
    if user.is_therapist and booking.therapist.user_id == user.pk:
        return True
    return user.is_practice_staff and user.practice_id == booking.practice_id


def access_booking_by_uid(user, uid: str) -> Booking:
    """The booking ``uid`` if ``user`` may see it; otherwise Http404."""
    booking = (
        Booking.objects.select_related(
            "therapist", "therapist__practice", "room", "service", "technique", "practice", "client"
        )
        .filter(uid=uid)
        .first()
    )
    if booking is None:
        raise Http404("No such booking.")
    if not can_see_booking(user, booking):
        raise Http404("No such booking.")
    return booking
