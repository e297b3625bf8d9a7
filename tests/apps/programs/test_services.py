"""Booking a program: every occurrence checked, all or nothing, one therapist, one announcement."""

import datetime as dt
from unittest import mock

import pytest

from tests.apps.programs.conftest import FIRST, NOW, at, jan, occupy, request_for, weekly
from tests.factories import make_assessment
from unknot.apps.booking.errors import IdempotencyKeyReused, SafetyRefusal
from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.booking.signals import booking_changed
from unknot.apps.programs import services
from unknot.apps.programs.errors import SeriesConflict
from unknot.apps.programs.models import Program, ProgramSession
from unknot.apps.programs.planning import Accepted, plan_series
from unknot.apps.programs.signals import program_changed

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    """Every program_changed and booking_changed signal, in order."""
    calls = []

    def on_program(sender, **kw):
        calls.append(("program", kw["kind"], kw))

    def on_booking(sender, **kw):
        calls.append(("booking", kw["kind"], kw))

    program_changed.connect(on_program, dispatch_uid="test-programs")
    booking_changed.connect(on_booking, dispatch_uid="test-bookings")
    yield calls
    program_changed.disconnect(dispatch_uid="test-programs")
    booking_changed.disconnect(dispatch_uid="test-bookings")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def book(setup, client, **kw):
    return services.program_book(
        client=client, request=request_for(setup, **kw.pop("req", {})), now=NOW, **kw
    )


# --- the preview --------------------------------------------------------------------------


def test_every_occurrence_is_checked_and_the_ninth_of_ten_conflicts(setup, other_client):
    starts = weekly(FIRST, 10)
    occupy(setup, other_client, starts[8])  # Tuesday 26 January 2027, 10:00
    plan = services.program_preview(request=request_for(setup), now=NOW)
    assert [s.start for s in plan.sessions] == starts
    assert [s.ok for s in plan.sessions] == [True] * 8 + [False, True]
    conflict = plan.sessions[8]
    assert conflict.reason == "unavailable"
    # Nearest free times with Ben: the other booking holds 10:00-11:15 (with its clean-up) and
    # 09:00 would run into it, so the nearest are right after it, 15 minutes apart.
    assert [a.start for a in conflict.alternatives] == [
        jan(26, 11, 15),
        jan(26, 11, 30),
        jan(26, 11, 45),
    ]
    assert all(a.therapist == setup["ben"] for a in conflict.alternatives)
    distances = [abs(a.start - starts[8]) for a in conflict.alternatives]
    assert distances == sorted(distances)


def test_a_conflict_in_the_last_occurrence_is_found_too(setup, other_client):
    starts = weekly(FIRST, 10)
    occupy(setup, other_client, starts[9])
    plan = services.program_preview(request=request_for(setup), now=NOW)
    assert [s.index for s in plan.conflicts] == [9]


def test_sessions_past_the_booking_window_are_conflicts(setup):
    # 13 weekly sessions from 1 December reach 23 February; 26 reach past the 90-day window.
    plan = services.program_preview(request=request_for(setup, count=20), now=NOW)
    late = [s for s in plan.sessions if s.start > NOW + dt.timedelta(days=90)]
    assert late and all(not s.ok and s.reason == "outside_booking_window" for s in late)
    assert all(s.ok for s in plan.sessions if s.start <= NOW + dt.timedelta(days=90))


def test_any_therapist_keeps_the_one_free_most_often(setup, other_client):
    occupy(setup, other_client, weekly(FIRST, 10)[4])  # Ben busy once
    plan = services.program_preview(request=request_for(setup, therapist=None), now=NOW)
    assert plan.ok
    assert plan.therapist == setup["kai"]
    assert {s.therapist for s in plan.sessions} == {setup["kai"]}


def test_any_therapist_offers_a_colleague_at_the_same_time_first(setup, other_client):
    starts = weekly(FIRST, 10)
    occupy(setup, other_client, starts[2], therapist="ben")
    occupy(setup, other_client, starts[5], therapist="kai")
    plan = services.program_preview(request=request_for(setup, therapist=None), now=NOW)
    assert plan.therapist == setup["ben"]  # nine each: the first by name
    conflict = plan.sessions[2]
    assert not conflict.ok
    first = conflict.alternatives[0]
    assert (first.start, first.therapist) == (starts[2], setup["kai"])


# --- booking ---------------------------------------------------------------------------------


def test_a_conflict_books_nothing_and_reports_every_conflict(setup, client_user, other_client):
    starts = weekly(FIRST, 10)
    occupy(setup, other_client, starts[8])
    before = Booking.objects.count()
    with pytest.raises(SeriesConflict) as error:
        book(setup, client_user)
    body = error.value.extra
    assert [o["status"] for o in body["occurrences"]].count("conflict") == 1
    assert body["occurrences"][8]["status"] == "conflict"
    assert body["occurrences"][8]["alternatives"]
    assert Booking.objects.count() == before
    assert not Program.objects.exists()


def test_accepting_alternatives_books_all_ten_with_one_announcement(
    setup, client_user, other_client, heard, commit
):
    starts = weekly(FIRST, 10)
    occupy(setup, other_client, starts[8])
    heard.clear()
    preview = services.program_preview(request=request_for(setup), now=NOW)
    chosen = preview.sessions[8].alternatives[0].start
    # The test's transaction never commits: run the on-commit callbacks here.
    with commit(execute=True):
        program, created = book(setup, client_user, req={"accept": [(8, Accepted(chosen))]})
    assert created is True
    sessions = list(ProgramSession.objects.filter(program=program).select_related("booking"))
    assert [ps.index for ps in sessions] == list(range(10))
    got = [ps.booking.starts_at for ps in sessions]
    assert got == starts[:8] + [chosen] + starts[9:]
    assert {ps.booking.therapist for ps in sessions} == {setup["ben"]}
    assert {ps.booking.status for ps in sessions} == {BookingStatus.CONFIRMED}
    assert (program.weekday, program.local_time) == (1, dt.time(10))
    assert program.assessment is not None
    # One program announcement, no per-booking signals.
    assert [(who, kind) for who, kind, _ in heard] == [("program", "booked")]
    assert heard[0][2]["bookings"] == [ps.booking for ps in sessions]


def test_a_conflict_appearing_between_preview_and_confirm_rolls_everything_back(
    setup, client_user, other_client
):
    """The plan said all ten were free; the ninth is taken while the first eight are booked."""
    starts = weekly(FIRST, 10)
    stale = services.program_preview(request=request_for(setup), now=NOW)
    assert stale.ok
    intruder = occupy(setup, other_client, starts[8])
    real_plan = plan_series
    calls = []

    def stale_once(**kw):
        calls.append(1)
        return stale if len(calls) == 1 else real_plan(**kw)

    with (
        mock.patch("unknot.apps.programs.services.plan_series", side_effect=stale_once),
        pytest.raises(SeriesConflict) as error,
    ):
        book(setup, client_user)
    assert error.value.extra["occurrences"][8]["status"] == "conflict"
    assert not Booking.objects.filter(client=client_user).exists()
    assert not Program.objects.exists() and not ProgramSession.objects.exists()
    intruder.refresh_from_db()
    assert intruder.status == BookingStatus.CONFIRMED


def test_the_safety_gate_applies_once_and_sessions_wait_for_clearance(setup, client_user):
    make_assessment(client_user, health={"conditions": ["heart-condition"]})
    program, _ = book(setup, client_user, req={"count": 3})
    statuses = {b.status for b in program.bookings}
    assert statuses == {BookingStatus.PENDING}
    assert all(b.needs_clearance for b in program.bookings)


def test_no_assessment_no_program(setup, other_client_user):
    with pytest.raises(SafetyRefusal) as error:
        book(setup, other_client_user, req={"count": 3})
    assert error.value.code == "screening_required"
    assert not Booking.objects.exists()


def test_the_same_idempotency_key_returns_the_same_program(setup, client_user):
    first, created = book(setup, client_user, req={"count": 3}, idempotency_key="k-1")
    again, created_again = book(setup, client_user, req={"count": 3}, idempotency_key="k-1")
    assert created and not created_again and again.pk == first.pk
    assert Booking.objects.filter(client=client_user).count() == 3
    with pytest.raises(IdempotencyKeyReused):
        book(setup, client_user, req={"count": 4}, idempotency_key="k-1")


# --- after booking: cancel, move, adjust -----------------------------------------------------


@pytest.fixture
def program(setup, client_user):
    program, _ = book(setup, client_user, req={"count": 4})
    return program


def bookings(program):
    return [ps.booking for ps in program.sessions.select_related("booking").order_by("index")]


def test_cancel_one_session_leaves_the_rest(setup, client_user, program, heard, commit):
    heard.clear()
    with commit(execute=True):
        services.program_session_cancel(program=program, index=1, by=client_user, now=NOW)
    statuses = [b.status for b in bookings(program)]
    assert statuses == ["confirmed", "cancelled", "confirmed", "confirmed"]
    program.refresh_from_db()
    assert program.status == "active"
    ((who, kind, kw),) = heard
    assert (who, kind) == ("program", "session_cancelled")
    assert [f.start for f in kw["freed"]] == [weekly(FIRST, 4)[1]]


def test_cancel_the_rest_keeps_what_was_held(setup, client_user, program, heard, commit):
    later = weekly(FIRST, 4)[1] + dt.timedelta(hours=2)  # after the second session
    heard.clear()
    with commit(execute=True):
        cancelled = services.program_cancel(program=program, by=client_user, now=later)
    assert len(cancelled) == 2
    assert [b.status for b in bookings(program)] == [
        "confirmed",
        "confirmed",
        "cancelled",
        "cancelled",
    ]
    program.refresh_from_db()
    assert program.status == "cancelled" and program.cancelled_at == later
    assert [(w, k) for w, k, _ in heard] == [("program", "cancelled")]
    with pytest.raises(Exception, match="already cancelled"):
        services.program_cancel(program=program, by=client_user, now=later)


def test_cancelling_every_session_one_by_one_cancels_the_program(setup, client_user, program):
    for index in range(4):
        services.program_session_cancel(program=program, index=index, by=client_user, now=NOW)
    program.refresh_from_db()
    assert program.status == "cancelled"


def test_move_one_session(setup, client_user, program, other_client, heard, commit):
    first = bookings(program)[2]
    heard.clear()
    with commit(execute=True):
        moved = services.program_session_reschedule(
            program=program, index=2, by=client_user, new_start=at(15, 14), now=NOW
        )
    assert moved.uid == first.uid and moved.starts_at == at(15, 14)
    assert moved.sequence == first.sequence + 1
    assert [b.starts_at for b in bookings(program)][:2] == weekly(FIRST, 2)
    ((_, kind, kw),) = heard
    assert kind == "session_rescheduled" and [f.start for f in kw["freed"]] == [first.starts_at]


def test_adjust_the_interval_moves_every_future_session_over_the_old_places(
    setup, client_user, program, heard, commit
):
    therapist_user = setup["ben"].user
    before = bookings(program)
    heard.clear()
    with commit(execute=True):
        result = services.program_adjust(program=program, by=therapist_user, now=NOW, every_days=14)
    assert result.applied and result.ok
    after = bookings(program)
    # Session 2 moves onto session 3's old time: possible because they move together.
    assert [b.starts_at for b in after] == [FIRST + dt.timedelta(weeks=2 * i) for i in range(4)]
    assert [b.uid for b in after] == [b.uid for b in before]
    assert [b.sequence for b in after] == [0, 1, 1, 1]
    program.refresh_from_db()
    assert program.every_days == 14
    ((_, kind, kw),) = heard
    assert kind == "adjusted" and len(kw["bookings"]) == 3 and len(kw["freed"]) == 3


def test_adjust_the_length_rechecks_and_changes_the_service(setup, client_user, program):
    result = services.program_adjust(
        program=program, by=setup["ben"].user, now=NOW, duration_minutes=90
    )
    assert result.ok
    for booking in bookings(program):
        assert booking.service == setup["long"]
        assert booking.ends_at - booking.starts_at == dt.timedelta(minutes=90)
        assert booking.busy_from == booking.starts_at - dt.timedelta(minutes=10)
        assert str(booking.price) == "85.00"


def test_adjust_is_all_or_nothing(setup, client_user, program, other_client):
    occupy(setup, other_client, FIRST + dt.timedelta(weeks=6))  # the new place of session 4
    before = [(b.starts_at, b.sequence) for b in bookings(program)]
    with pytest.raises(SeriesConflict) as error:
        services.program_adjust(program=program, by=setup["ben"].user, now=NOW, every_days=14)
    (conflict,) = error.value.extra["conflicts"]
    assert conflict["index"] == 3 and conflict["alternatives"]
    assert [(b.starts_at, b.sequence) for b in bookings(program)] == before
    program.refresh_from_db()
    assert program.every_days == 7


def test_adjust_preview_changes_nothing(setup, client_user, program):
    before = [(b.starts_at, b.sequence) for b in bookings(program)]
    result = services.program_adjust(
        program=program, by=setup["ben"].user, now=NOW, every_days=14, confirm=False
    )
    assert result.ok and not result.applied
    assert [m["to"] for m in result.moves][1] == (FIRST + dt.timedelta(weeks=2)).isoformat()
    assert [(b.starts_at, b.sequence) for b in bookings(program)] == before
    program.refresh_from_db()
    assert program.every_days == 7


def test_the_client_moves_the_rest_and_the_session_inside_the_cut_off_stays(
    setup, client_user, program
):
    now = at(1, 8)  # two hours before the first session: inside the 24-hour cut-off
    before = bookings(program)
    result = services.program_adjust(
        program=program,
        by=client_user,
        now=now,
        first_start=at(10, 15),  # Thursday
        staff_override=False,
    )
    assert result.ok and [m["index"] for m in result.moves] == [1, 2, 3]
    after = bookings(program)
    assert after[0].starts_at == before[0].starts_at
    assert [b.starts_at for b in after[1:]] == [at(10, 15), at(17, 15), at(24, 15)]
    program.refresh_from_db()
    assert (program.weekday, program.local_time) == (3, dt.time(15))


def test_the_adjust_preview_is_computed_and_matches_the_adjust(
    setup, client_user, program, other_client
):
    """The preview takes no row lock and writes nothing, and finds the conflicts that the
    adjust itself then reports."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    occupy(setup, other_client, FIRST + dt.timedelta(weeks=6))  # the new place of session 4
    with CaptureQueriesContext(connection) as seen:
        preview = services.program_adjust(
            program=program, by=setup["ben"].user, now=NOW, every_days=14, confirm=False
        )
    sql = " ".join(q["sql"].upper() for q in seen.captured_queries)
    for word in ("FOR UPDATE", "UPDATE ", "INSERT ", "DELETE ", "SAVEPOINT"):
        assert word not in sql, word
    assert [c["index"] for c in preview.conflicts] == [3] and not preview.applied
    with pytest.raises(SeriesConflict) as error:
        services.program_adjust(program=program, by=setup["ben"].user, now=NOW, every_days=14)
    strip = [{k: v for k, v in c.items() if k != "alternatives"} for c in preview.conflicts]
    assert strip == [
        {k: v for k, v in c.items() if k != "alternatives"} for c in error.value.extra["conflicts"]
    ]
