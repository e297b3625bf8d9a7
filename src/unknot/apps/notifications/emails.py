"""Email messages: subject, text and HTML from templates, and the calendar file attached.

Templates live in ``templates/email/<name>_subject.txt``, ``<name>.txt`` and ``<name>.html``.
Dates are formatted here in the practice's zone, so templates never convert time zones.
Subjects follow one pattern, "Your appointment at <practice> on <date>", and no email says
anything about the client's health: no flags, notes, conditions or clearance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from email.mime.text import MIMEText
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse


@dataclass
class Attachment:
    filename: str
    content: bytes
    method: str


@dataclass
class Email:
    to: str
    subject: str
    text: str
    html: str
    reply_to: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)

    def to_message(self) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[self.to],
            reply_to=self.reply_to or None,
        )
        message.attach_alternative(self.html, "text/html")
        for item in self.attachments:
            part = MIMEText(item.content.decode("utf-8"), "calendar", "utf-8")
            part.set_param("method", item.method)
            part.add_header("Content-Disposition", "attachment", filename=item.filename)
            message.attach(part)
        return message


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def url_or_none(name: str, *args) -> str | None:
    """An absolute URL for a named route, or None while that page does not exist."""
    try:
        return absolute(reverse(name, args=args))
    except NoReverseMatch:
        return None


def render_email(template: str, context: dict, *, to: str, reply_to: list[str]) -> Email:
    context = {"site_url": settings.SITE_URL.rstrip("/"), "site_name": "Unknot", **context}
    subject = render_to_string(f"email/{template}_subject.txt", context)
    subject = " ".join(subject.split())
    return Email(
        to=to,
        subject=subject,
        text=render_to_string(f"email/{template}.txt", context),
        html=render_to_string(f"email/{template}.html", context),
        reply_to=reply_to,
    )


def local(moment: dt.datetime, time_zone: str) -> dt.datetime:
    return moment.astimezone(ZoneInfo(time_zone))


def day_label(moment: dt.datetime, time_zone: str) -> str:
    """``Tuesday 1 December 2026``"""
    at = local(moment, time_zone)
    return f"{at:%A} {at.day} {at:%B %Y}"


def time_label(moment: dt.datetime, time_zone: str) -> str:
    """``10:00 (GMT)``: the zone's abbreviation shows which side of a clock change it is."""
    at = local(moment, time_zone)
    return f"{at:%H:%M} ({at.tzname()})"


STATUS_LABELS = {
    # "Pending clearance" would hint at a health matter: clients read a neutral label.
    "pending": "Not confirmed yet",
    "confirmed": "Confirmed",
    "cancelled": "Cancelled",
    "completed": "Done",
    "no_show": "Missed",
}


def session_view(booking) -> dict:
    """What a template shows about one session: when, where, what, with whom."""
    zone = booking.practice.time_zone
    return {
        "uid": booking.uid,
        "day": day_label(booking.starts_at, zone),
        "start": time_label(booking.starts_at, zone),
        "end": local(booking.ends_at, zone).strftime("%H:%M"),
        "technique": booking.technique.name,
        "minutes": booking.service.duration_minutes,
        "therapist": booking.therapist.display_name,
        "room": booking.room.name,
        "status": booking.status,
        "status_label": STATUS_LABELS.get(booking.status, ""),
        "url": url_or_none("booking:appointment", booking.uid),
    }


def practice_view(practice) -> dict:
    return {
        "name": practice.name,
        "address_lines": [line.strip() for line in practice.address.splitlines() if line.strip()],
        "phone": practice.phone,
        "email": practice.email,
    }
