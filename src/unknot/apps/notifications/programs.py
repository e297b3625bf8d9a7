"""What notifications need from the programs app, read defensively.

The programs app is built alongside this one. This module is the only place that knows its
shape: a ``Program`` model with a ``uid``, a ``client`` and its sessions reachable as
``program.bookings`` (or through a ``Booking.program`` foreign key). If the app is not there,
nothing here fails: a program simply has no sessions to tell anyone about.
"""

from __future__ import annotations

import logging

from django.apps import apps

from unknot.apps.booking.models import Booking

log = logging.getLogger(__name__)

RELATIONS = ("practice", "client", "therapist", "room", "service", "technique")


def program_model():
    try:
        return apps.get_model("programs", "Program")
    except LookupError:
        return None


def program_by_uid(uid: str):
    model = program_model()
    if model is None:
        return None
    return model._default_manager.filter(uid=uid).first()


def program_bookings(program) -> list[Booking]:
    """The program's sessions in time order, with what the emails and files need."""
    related = getattr(program, "bookings", None)
    if related is not None and hasattr(related, "all"):
        qs = related.all()
        if qs.model is not Booking:
            # A through model (e.g. ProgramSession) pointing at bookings.
            ids = [getattr(row, "booking_id", None) for row in qs]
            qs = Booking.objects.filter(pk__in=[i for i in ids if i is not None])
    elif any(f.name == "program" for f in Booking._meta.get_fields()):
        qs = Booking.objects.filter(program=program)
    else:
        log.warning("cannot find the sessions of program %s", getattr(program, "uid", "?"))
        return []
    return list(qs.select_related(*RELATIONS).order_by("starts_at", "id"))


def program_client(program, bookings: list[Booking]):
    client = getattr(program, "client", None)
    if client is not None:
        return client
    return bookings[0].client if bookings else None


def program_revision(program, bookings: list[Booking]) -> int:
    """A number that rises with every change to the program or any of its sessions.

    Booking sequences only rise and every change raises one, so their sum (plus one per
    session, so that adding a session counts too) does.
    """
    own = getattr(program, "sequence", None)
    if own is None:
        own = getattr(program, "revision", None)
    derived = sum(b.sequence + 1 for b in bookings)
    return derived if own is None else int(own) * 100_000 + derived
