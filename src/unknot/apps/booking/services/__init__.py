"""Every write to a booking, one module per action; the public names are importable from here.

- ``create``: ``booking_create`` (a new session, screened and shaped by ``booking.hooks``).
- ``reschedule``: ``booking_reschedule`` and ``rescreened`` (every move screens again).
- ``outcome``: ``booking_cancel``, ``booking_mark_completed``, ``booking_mark_no_show``,
  ``booking_record_clearance``.
- ``series``: ``booking_series_move`` and its computed ``booking_series_preview``.
- ``locking``: the one locking policy every write that places a booking follows.
- ``checks``: the read-only checks they share (free slot, room, service, licence).

Each write runs in one transaction. On SQLite the transaction is IMMEDIATE, so writers queue
and the checks inside see every earlier booking; on PostgreSQL the rows are locked first
(``locking``) and the exclusion constraints have the last word. A lost race becomes
``SlotTaken`` with nearby alternatives, never a server error.
"""

from unknot.apps.booking.services.checks import alternatives_near
from unknot.apps.booking.services.create import booking_create
from unknot.apps.booking.services.outcome import (
    booking_cancel,
    booking_mark_completed,
    booking_mark_no_show,
    booking_record_clearance,
)
from unknot.apps.booking.services.reschedule import booking_reschedule
from unknot.apps.booking.services.series import booking_series_move, booking_series_preview

__all__ = [
    "alternatives_near",
    "booking_cancel",
    "booking_create",
    "booking_mark_completed",
    "booking_mark_no_show",
    "booking_record_clearance",
    "booking_reschedule",
    "booking_series_move",
    "booking_series_preview",
]
