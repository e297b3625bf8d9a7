"""A program is screened once for its whole series, through the booking hooks."""

from __future__ import annotations

import pytest

from tests.apps.programs.conftest import NOW, at, request_for
from unknot.apps.booking import hooks
from unknot.apps.booking.errors import SafetyRefusal
from unknot.apps.booking.models import Booking
from unknot.apps.programs import services
from unknot.apps.programs.models import Program

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted():
    """A hold that counts its checks, and an adjuster that counts the rows it shapes."""
    calls = {"holds": 0, "adjusted": 0}

    def check(attempt):
        calls["holds"] += 1

    def adjust(draft):
        calls["adjusted"] += 1
        draft.safety["shaped"] = calls["adjusted"]

    hooks.register_hold(hooks.Hold(name="test-count", check=check))
    hooks.register_adjuster(hooks.Adjuster(name="test-count", adjust=adjust))
    yield calls
    hooks.unregister("test-count")


def test_ten_sessions_are_screened_once_and_each_row_is_shaped(setup, client_user, counted):
    program, created = services.program_book(
        client=client_user, request=request_for(setup, count=10), now=NOW
    )
    assert created
    assert counted == {"holds": 1, "adjusted": 10}
    shaped = sorted(b.safety["shaped"] for b in Booking.objects.filter(client=client_user))
    # Each session got its own copy of the one screening's snapshot.
    assert shaped == list(range(1, 11))


def test_a_hold_refusing_refuses_the_series_and_books_nothing(setup, client_user):
    def refuse(attempt):
        raise SafetyRefusal("Not now.", code="test_refused")

    hooks.register_hold(hooks.Hold(name="test-refuse", check=refuse))
    try:
        with pytest.raises(SafetyRefusal) as refusal:
            services.program_book(client=client_user, request=request_for(setup), now=NOW)
    finally:
        hooks.unregister("test-refuse")
    assert refusal.value.code == "test_refused"
    assert not Booking.objects.exists() and not Program.objects.exists()


# --- every program move is screened again (issue 14, principle 3) --------------------------

RED_FLAG = {"health": {"red_flags": ["saddle-numbness"]}}


def test_a_red_flag_after_booking_refuses_moving_one_session(setup, client_user):
    """Mia books ten weekly sessions, then her next assessment reports a red flag."""
    from tests.factories import make_assessment

    program, _ = services.program_book(client=client_user, request=request_for(setup), now=NOW)
    make_assessment(client_user, **RED_FLAG)
    before = sorted(Booking.objects.values_list("starts_at", flat=True))
    with pytest.raises(SafetyRefusal) as refusal:
        services.program_session_reschedule(
            program=program, index=2, by=client_user, new_start=at(15, 11), now=NOW
        )
    assert refusal.value.code == "safety_refer"
    assert sorted(Booking.objects.values_list("starts_at", flat=True)) == before


def test_a_red_flag_after_booking_refuses_adjusting_the_series(setup, client_user):
    from tests.factories import make_assessment

    program, _ = services.program_book(client=client_user, request=request_for(setup), now=NOW)
    make_assessment(client_user, **RED_FLAG)
    before = sorted(Booking.objects.values_list("starts_at", flat=True))
    for confirm in (False, True):  # the preview says so too
        with pytest.raises(SafetyRefusal):
            services.program_adjust(
                program=program, by=client_user, now=NOW, first_start=at(1, 11), confirm=confirm
            )
    assert sorted(Booking.objects.values_list("starts_at", flat=True)) == before


def test_adjusting_the_series_is_screened_once(setup, client_user, counted):
    program, _ = services.program_book(client=client_user, request=request_for(setup), now=NOW)
    counted["holds"] = 0
    services.program_adjust(program=program, by=client_user, now=NOW, first_start=at(1, 11))
    assert counted["holds"] == 1
