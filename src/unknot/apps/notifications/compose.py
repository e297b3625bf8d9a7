"""Compose each email: pick the template, fill the context, attach the calendar file."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from unknot.apps.notifications import ics
from unknot.apps.notifications.emails import (
    Attachment,
    Email,
    absolute,
    day_label,
    practice_view,
    render_email,
    session_view,
    time_label,
    url_or_none,
)

BOOKING_TEMPLATES = {
    "created": "booking_created",
    "rescheduled": "booking_rescheduled",
    "cancelled": "booking_cancelled",
    "confirmed": "booking_confirmed",
}


def _reply_to(practice) -> list[str]:
    return [practice.email] if practice.email else []


def _calendar_url() -> str:
    return absolute(reverse("notifications:subscription"))


def _invite(bookings, *, method: str, stamp: dt.datetime, filename: str) -> Attachment:
    calendar = ics.build_calendar(bookings, stamp=stamp, method=method, audience="client")
    return Attachment(filename=filename, content=ics.to_bytes(calendar), method=method)


def booking_email(booking, *, kind: str, now: dt.datetime, previous_start=None) -> Email:
    """Confirmation, move, cancellation or clearance-confirmed email for one booking."""
    practice = booking.practice
    context = {
        "kind": kind,
        "client_name": booking.client.get_short_name(),
        "practice": practice_view(practice),
        "session": session_view(booking),
        "date": day_label(booking.starts_at, practice.time_zone),
        "pending": booking.status == "pending",
        "calendar_url": _calendar_url(),
    }
    email = render_email(
        BOOKING_TEMPLATES[kind], context, to=booking.client.email, reply_to=_reply_to(practice)
    )
    method = "CANCEL" if kind == "cancelled" else "REQUEST"
    email.attachments.append(
        _invite([booking], method=method, stamp=now, filename="appointment.ics")
    )
    return email


def reminder_email(booking, *, now: dt.datetime) -> Email:
    practice = booking.practice
    context = {
        "client_name": booking.client.get_short_name(),
        "practice": practice_view(practice),
        "session": session_view(booking),
        "date": day_label(booking.starts_at, practice.time_zone),
        "time": time_label(booking.starts_at, practice.time_zone),
        "calendar_url": _calendar_url(),
    }
    email = render_email("reminder", context, to=booking.client.email, reply_to=_reply_to(practice))
    email.attachments.append(
        _invite([booking], method="REQUEST", stamp=now, filename="appointment.ics")
    )
    return email


def program_email(*, program, kind: str, client, bookings: list, now: dt.datetime) -> Email | None:
    """One email for a change to a whole program: every session it concerns, one file.

    ``booked`` and ``adjusted`` list the sessions booked or moved (METHOD:REQUEST with one
    VEVENT each); ``cancelled`` lists the sessions cancelled (METHOD:CANCEL). A session that
    was cancelled since is left out of a request and goes into a second, cancelling file.
    """
    live = [b for b in bookings if b.status in ("pending", "confirmed")]
    gone = [b for b in bookings if b.status == "cancelled"]
    shown = [] if kind == "cancelled" else live
    if not shown and not gone:
        return None
    first = (shown or gone)[0]
    practice = first.practice
    context = {
        "kind": kind,
        "client_name": client.get_short_name(),
        "practice": practice_view(practice),
        "sessions": [session_view(b) for b in shown],
        "cancelled_sessions": [session_view(b) for b in gone],
        "count": len(shown),
        "date": day_label(first.starts_at, practice.time_zone),
        "program_url": url_or_none("programs:detail", program.uid),
        "calendar_url": _calendar_url(),
    }
    email = render_email(f"program_{kind}", context, to=client.email, reply_to=_reply_to(practice))
    if shown:
        email.attachments.append(
            _invite(shown, method="REQUEST", stamp=now, filename="appointments.ics")
        )
    if gone:
        email.attachments.append(
            _invite(gone, method="CANCEL", stamp=now, filename="cancelled.ics")
        )
    return email


def question_asked_email(question) -> Email:
    therapist = question.therapist
    context = {
        "therapist_name": therapist.display_name,
        "question": question,
        "portal_url": absolute(reverse("questions:portal_detail", args=[question.uid])),
    }
    return render_email("question_asked", context, to=therapist.user.email, reply_to=[])


def question_answered_email(question, *, link: str) -> Email:
    context = {
        "therapist_name": question.therapist.display_name,
        "question": question,
        "link": link,
    }
    return render_email("question_answered", context, to=question.asker_email, reply_to=[])
