"""What a committed booking costs the notifications: two task rows, one commit, no reads."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from tests.apps.notifications.conftest import NOW, at
from unknot.apps.booking import services as booking_services

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_bookings_task_rows_are_written_in_one_transaction(
    setup, settings, client_user, monkeypatch
):
    settings.TASKS = DATABASE_TASKS
    writes = []
    enqueue = DatabaseBackend.enqueue

    def spy(self, task, args, kwargs):
        outermost = connection.atomic_blocks[0] if connection.atomic_blocks else None
        writes.append((task.name, connection.in_atomic_block, id(outermost)))
        return enqueue(self, task, args, kwargs)

    monkeypatch.setattr(DatabaseBackend, "enqueue", spy)
    with CaptureQueriesContext(connection) as queries:
        booking, _ = booking_services.booking_create(
            client=client_user,
            service=setup["service"],
            start=at(3, 10),
            now=NOW,
            therapist=setup["ben"],
        )
    (email, email_tx, email_block), (reminder, reminder_tx, reminder_block) = writes
    assert (email, reminder) == ("send_booking_email", "send_booking_reminder")
    assert email_tx and reminder_tx and email_block == reminder_block
    rows = DBTaskResult.objects.order_by("task_path")
    assert [row.args_kwargs["kwargs"]["booking_uid"] for row in rows] == [booking.uid] * 2
    # The practice (for the reminder's lead time) comes with the booking, not from a query.
    assert not any('FROM "practices_practice"' in q["sql"] for q in queries.captured_queries)


def test_without_a_reminder_to_schedule_only_the_email_is_queued(setup, settings, client_user):
    settings.TASKS = DATABASE_TASKS
    booking_services.booking_create(
        client=client_user,
        service=setup["service"],
        start=at(30, 10, month=11),  # two hours ahead: inside the reminder's lead time
        now=NOW,
        therapist=setup["ben"],
    )
    assert [row.task_path.rsplit(".", 1)[1] for row in DBTaskResult.objects.all()] == [
        "send_booking_email"
    ]
