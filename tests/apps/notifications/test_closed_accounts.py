"""No email goes to a closed account: its address is gone, and the log records why."""

import pytest
from django.core import mail

from tests.apps.notifications.conftest import at
from unknot.apps.notifications import services
from unknot.apps.notifications.models import SentNotification
from unknot.apps.records.services import account_close

pytestmark = pytest.mark.django_db


def test_the_cancellation_of_a_closed_accounts_session_is_not_emailed(setup, book, client_user):
    booking = book(at(2, 14))
    before = SentNotification.objects.count()
    mail.outbox.clear()
    account_close(user=client_user, now=at(1, 9))  # cancels the session, as the page does
    booking.refresh_from_db()

    result = services.booking_email_deliver(
        booking_uid=booking.uid, kind="cancelled", sequence=booking.sequence, now=at(1, 9)
    )
    assert result == services.CLOSED_ACCOUNT
    assert mail.outbox == [] and SentNotification.objects.count() == before
