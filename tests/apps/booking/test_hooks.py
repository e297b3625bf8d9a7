"""The booking hooks: holds screen, adjusters shape the snapshot before the one insert."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db.models import Value

from tests.apps.booking.conftest import NOW, at
from unknot.apps.booking import hooks, services
from unknot.apps.booking.errors import SafetyRefusal
from unknot.apps.booking.models import Booking, BookingStatus
from unknot.apps.guide.models import SavedAssessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def register():
    """Register hooks for one test; they are removed afterwards."""
    names: list[str] = []

    def add(hook) -> None:
        names.append(hook.name)
        if isinstance(hook, hooks.Hold):
            hooks.register_hold(hook)
        else:
            hooks.register_adjuster(hook)

    yield add
    for name in names:
        hooks.unregister(name)


def book(setup, client, hour: int = 10):
    return services.booking_create(
        client=client, service=setup["service"], start=at(1, hour), now=NOW, therapist=setup["ben"]
    )


def refuse(code: str):
    def check(attempt):
        raise SafetyRefusal("No.", code=code)

    return check


def test_progress_and_records_register_from_ready_once():
    assert {"treatment-consent", "rescreen"} <= {h.name for h in hooks.holds()}
    assert "accepted-pressure" in {a.name for a in hooks.adjusters()}
    before = (len(hooks.holds()), len(hooks.adjusters()))
    apps.get_app_config("progress").ready()
    apps.get_app_config("records").ready()
    assert (len(hooks.holds()), len(hooks.adjusters())) == before


def test_without_their_registration_no_rule_of_progress_or_records_applies(
    setup, client_user, register
):
    """The rules live in the hooks, nowhere else: unregistered, a withdrawal books."""
    from unknot.apps.records.holds import TREATMENT_HOLD
    from unknot.apps.records.holds import register as records_register
    from unknot.apps.records.services import consent_set

    consent_set(user=client_user, kind="treatment", granted=False, now=NOW)
    with pytest.raises(SafetyRefusal):
        book(setup, client_user)
    hooks.unregister(TREATMENT_HOLD)
    try:
        booking, created = book(setup, client_user)
        assert created
    finally:
        records_register()


def test_holds_run_in_order_then_by_name(setup, client_user, register):
    ran: list[str] = []

    def note(name):
        def check(attempt):
            ran.append(name)

        return check

    register(hooks.Hold(name="test-late", check=note("test-late"), order=900))
    register(hooks.Hold(name="test-b", check=note("test-b"), order=5))
    register(hooks.Hold(name="test-a", check=note("test-a"), order=5))
    book(setup, client_user)
    assert ran == ["test-a", "test-b", "test-late"]
    names = [h.name for h in hooks.holds()]
    assert names.index("test-b") < names.index("treatment-consent") < names.index("test-late")


def test_the_first_refusing_hold_names_the_reason_and_nothing_is_written(
    setup, client_user, register
):
    register(hooks.Hold(name="test-first", check=refuse("first_reason"), order=1))
    register(hooks.Hold(name="test-second", check=refuse("second_reason"), order=2))
    with pytest.raises(SafetyRefusal) as refusal:
        book(setup, client_user)
    assert refusal.value.code == "first_reason"
    assert not Booking.objects.exists()


def test_a_pending_hold_books_as_pending_with_its_reason(setup, client_user, register):
    register(
        hooks.Hold(
            name="test-deposit",
            check=lambda attempt: hooks.Pending(code="deposit_due", reason="A deposit is due."),
        )
    )
    booking, _ = book(setup, client_user)
    assert booking.status == BookingStatus.PENDING and booking.needs_clearance
    assert booking.safety["holds"] == [{"code": "deposit_due", "reason": "A deposit is due."}]
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.PENDING


def test_a_hint_that_says_no_skips_the_check_unless_there_is_no_assessment(
    setup, client_user, register
):
    checked: list[bool] = []
    register(
        hooks.Hold(
            name="test-hinted",
            check=lambda attempt: checked.append(attempt.assessment is not None),
            hint=lambda: Value(False),
        )
    )
    book(setup, client_user)
    assert checked == []
    SavedAssessment.objects.filter(client=client_user).delete()
    with pytest.raises(SafetyRefusal) as refusal:
        book(setup, client_user, hour=12)
    assert refusal.value.code == "screening_required"
    assert checked == [False]


def test_an_adjuster_shapes_the_snapshot_before_the_insert(setup, client_user, register):
    seen: dict = {}

    def adjust(draft):
        seen["rows_before"] = Booking.objects.filter(client=client_user).count()
        seen["therapist"] = draft.therapist_id
        draft.safety["test_note"] = "quiet room"
        draft.safety["pressure_cap"] = 1

        def link(booking):
            seen["linked"] = Booking.objects.filter(pk=booking.pk).exists()

        return link

    register(hooks.Adjuster(name="test-adjuster", adjust=adjust))
    booking, _ = book(setup, client_user)
    assert seen == {"rows_before": 0, "therapist": setup["ben"].pk, "linked": True}
    # The booking returned is the row inserted: no re-read needed, and none differs.
    assert booking.safety["test_note"] == "quiet room" and booking.safety["pressure_cap"] == 1
    assert Booking.objects.get(pk=booking.pk).safety == booking.safety


def test_adjusters_run_in_order(setup, client_user, register):
    register(hooks.Adjuster(name="test-2", adjust=lambda d: d.safety.update(x=2), order=2))
    register(hooks.Adjuster(name="test-1", adjust=lambda d: d.safety.update(x=1), order=1))
    booking, _ = book(setup, client_user)
    assert booking.safety["x"] == 2
