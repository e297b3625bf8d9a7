"""``program_changed(kind, program, bookings, freed)`` fires after a program change is committed.

Kinds: ``booked``, ``cancelled`` (the rest of the series), ``adjusted``, ``session_rescheduled``,
``session_cancelled``. The per-booking services are called with ``notify=False``, so a listener
hears about a program's sessions once, here, rather than once per session:

- ``bookings``: the affected bookings (booked, cancelled or moved), in session order;
- ``freed``: ``FreedTime`` values for the times the change released (the waitlist offers them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.dispatch import Signal

program_changed = Signal()

KINDS = ("booked", "cancelled", "adjusted", "session_rescheduled", "session_cancelled")


@dataclass(frozen=True)
class FreedTime:
    """A session time a program change gave up: therapist, service and UTC start."""

    therapist_id: int
    service_id: int
    start: dt.datetime
    client_id: int
