"""iCalendar (RFC 5545) files for emails and feeds, built with the ``icalendar`` library.

One booking is one VEVENT, everywhere: in the confirmation email, in the reschedule and
cancellation emails, in a program's email and in both people's feeds. Its UID is
``<booking uid>@<site domain>`` and its SEQUENCE is the booking's ``sequence``, so a calendar
application updates the same entry instead of adding another.

Times are written in the practice's own zone (``DTSTART;TZID=Europe/London:…``) with a
VTIMEZONE describing that zone's rules over the events' dates, so a session at 10:00 stays at
10:00 local time on both sides of a daylight-saving change.

Nothing health-related goes in: no flags, no notes, no assessment, no clearance; the summary
names the practice (for the client) or the client and the service (for the therapist).

A therapist's feed ends up in a third-party calendar service, so by default it names each
client by their initials only and carries no attendee (no client name or email address); the
therapist may choose full names for their feed (``CalendarFeed.show_client_names``). A
client's own files and feed carry only their own name and address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from email.utils import parseaddr
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Unknot//Massage practice bookings//EN"

STATUS_BY_BOOKING = {
    "pending": "TENTATIVE",
    "confirmed": "CONFIRMED",
    "completed": "CONFIRMED",
    "no_show": "CONFIRMED",
    "cancelled": "CANCELLED",
}


def site_domain() -> str:
    """The host of ``SITE_URL``: the right-hand side of every event UID."""
    return urlparse(settings.SITE_URL).hostname or "unknot.invalid"


def event_uid(booking) -> str:
    return f"{booking.uid}@{site_domain()}"


def _one_line(text: str) -> str:
    return ", ".join(part.strip() for part in text.splitlines() if part.strip())


def location_of(booking) -> str:
    """The practice's address on one line, then the room."""
    return f"{_one_line(booking.practice.address)} · Room: {booking.room.name}"


def organizer_address(practice) -> vCalAddress:
    email = practice.email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    organizer = vCalAddress(f"mailto:{email}")
    organizer.params["CN"] = vText(practice.name)
    return organizer


def attendee_address(user, *, status: str) -> vCalAddress:
    attendee = vCalAddress(f"mailto:{user.email}")
    attendee.params["CN"] = vText(user.get_full_name())
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = "DECLINED" if status == "cancelled" else "ACCEPTED"
    attendee.params["RSVP"] = "FALSE"
    return attendee


def initials(name: str) -> str:
    """ "Ana María López" -> "A. M. L."; a name with no letters -> "Client"."""
    letters = [word[0].upper() for word in name.split() if word[:1].isalpha()]
    return " ".join(f"{letter}." for letter in letters) or "Client"


def client_label(booking, *, full_names: bool) -> str:
    name = booking.client.get_full_name()
    return (name or "Client") if full_names else initials(name)


def summary_for(booking, *, audience: str, full_names: bool = False) -> str:
    if audience == "therapist":
        return (
            f"{client_label(booking, full_names=full_names)} · {booking.technique.name} "
            f"({booking.service.duration_minutes} min)"
        )
    return f"Appointment at {booking.practice.name}"


def description_for(booking, *, audience: str) -> str:
    lines = [
        f"{booking.technique.name}, {booking.service.duration_minutes} minutes",
        f"Therapist: {booking.therapist.display_name}",
        f"Room: {booking.room.name}",
    ]
    if audience == "client":
        lines.append(f"To change or cancel, call {booking.practice.phone} or sign in to Unknot.")
    if booking.status == "pending":
        lines.append("Not confirmed yet: the practice will confirm before the session.")
    return "\n".join(lines)


def booking_event(
    booking, *, stamp: dt.datetime, audience: str = "client", full_names: bool = False
) -> Event:
    """The VEVENT for ``booking``: stable UID, current SEQUENCE, local times with TZID.

    ``full_names`` (therapist audience only) names the client in full and lists them as
    attendee; otherwise the client appears by initials and not as an attendee.
    """
    tz = ZoneInfo(booking.practice.time_zone)
    event = Event()
    event.add("uid", event_uid(booking))
    event.add("sequence", booking.sequence)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("created", booking.created_at.astimezone(dt.UTC))
    event.add("last-modified", booking.updated_at.astimezone(dt.UTC))
    event.add("dtstart", booking.starts_at.astimezone(tz))
    event.add("dtend", booking.ends_at.astimezone(tz))
    event.add("summary", summary_for(booking, audience=audience, full_names=full_names))
    event.add("description", description_for(booking, audience=audience))
    event.add("location", location_of(booking))
    event.add("status", STATUS_BY_BOOKING.get(booking.status, "CONFIRMED"))
    event.add("transp", "TRANSPARENT" if booking.status == "cancelled" else "OPAQUE")
    event.add("class", "PRIVATE")
    event.add("organizer", organizer_address(booking.practice))
    if audience != "therapist" or full_names:
        event.add("attendee", attendee_address(booking.client, status=booking.status))
    return event


def build_calendar(
    bookings: Iterable,
    *,
    stamp: dt.datetime,
    method: str | None,
    audience: str = "client",
    name: str | None = None,
    full_names: bool = False,
) -> Calendar:
    """A VCALENDAR holding one VEVENT per booking and the VTIMEZONEs they use.

    ``method`` is REQUEST or CANCEL for email (RFC 5546), None for a subscription feed.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
    dates: list[dt.date] = []
    for booking in bookings:
        calendar.add_component(
            booking_event(booking, stamp=stamp, audience=audience, full_names=full_names)
        )
        local = booking.starts_at.astimezone(ZoneInfo(booking.practice.time_zone))
        dates.append(local.date())
    if dates:
        calendar.add_missing_timezones(
            first_date=min(dates) - dt.timedelta(days=366),
            last_date=max(dates) + dt.timedelta(days=2),
        )
    return calendar


def to_bytes(calendar: Calendar) -> bytes:
    return calendar.to_ical()
