"""Program errors. They extend the booking errors, so the API and pages answer them alike."""

from __future__ import annotations

from unknot.apps.booking.errors import SlotTaken


class SeriesConflict(SlotTaken):
    """Some occurrences cannot be booked; nothing was booked.

    ``extra["occurrences"]`` (booking) or ``extra["conflicts"]`` (adjusting) says which, with
    the nearest alternatives.
    """

    code = "series_conflict"
