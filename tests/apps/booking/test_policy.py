"""The one booking policy: cancel, late, reschedule, at the edges of the cut-off."""

from __future__ import annotations

import datetime as dt

import pytest

from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.booking.policy import booking_policy
from unknot.apps.practices.models import Practice

START = dt.datetime(2027, 3, 28, 10, tzinfo=dt.UTC)


def _booking(status=BookingStatus.CONFIRMED, cutoff=24) -> Booking:
    practice = Practice(name="P", cancellation_cutoff_hours=cutoff)
    return Booking(practice=practice, status=status, starts_at=START)


@pytest.mark.parametrize(
    ("before", "late", "can_reschedule"),
    [
        (dt.timedelta(hours=25), False, True),
        (dt.timedelta(hours=24), False, True),  # exactly at the cut-off is in time
        (dt.timedelta(hours=23, minutes=59), True, False),
        (dt.timedelta(minutes=1), True, False),
    ],
)
def test_before_the_session(before, late, can_reschedule):
    policy = booking_policy(_booking(), START - before)
    assert policy.can_cancel and policy.active and not policy.started
    assert policy.late is late
    assert policy.can_reschedule is can_reschedule
    assert ("recorded as late" in policy.cancel_terms) is late


@pytest.mark.parametrize("after", [dt.timedelta(0), dt.timedelta(hours=1)])
def test_once_started_nothing_can_change(after):
    policy = booking_policy(_booking(), START + after)
    assert policy.started and not policy.can_cancel and not policy.late
    assert not policy.can_reschedule
    assert policy.cancel_terms == "This session can no longer be cancelled."


@pytest.mark.parametrize(
    "status", [BookingStatus.CANCELLED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW]
)
def test_a_closed_booking_is_not_active(status):
    policy = booking_policy(_booking(status), START - dt.timedelta(days=3))
    assert not policy.active and not policy.can_cancel and not policy.can_reschedule


def test_pending_bookings_follow_the_same_rules():
    policy = booking_policy(
        _booking(BookingStatus.PENDING, cutoff=48), START - dt.timedelta(hours=30)
    )
    assert policy.active and policy.late and policy.cutoff_hours == 48
