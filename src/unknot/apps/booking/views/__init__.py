"""Booking pages, one module per audience.

- ``flow``: clients and visitors choose a technique, a length, a therapist and a time;
  ``confirm`` books it (signing in or up on the same page).
- ``appointments``: the client's appointments, cancel and reschedule.
- ``schedule``: the therapist's own day or week, and the session outcome.
- ``calendar``: the practice's calendar for front desk and owners, and clearances.

Views parse, call an access function, a selector or a service, and render through
``apps/booking/presenters.py``. Every time shown is in the practice's own zone, with the zone
named. Bad input answers 400/404 with a message; a refusal by a service keeps its reason.
"""

from unknot.apps.booking.views.appointments import appointment, cancel, my_appointments, reschedule
from unknot.apps.booking.views.calendar import calendar, clearance
from unknot.apps.booking.views.confirm import confirm
from unknot.apps.booking.views.flow import choose, index, resume, times
from unknot.apps.booking.views.schedule import outcome, schedule

__all__ = [
    "appointment",
    "calendar",
    "cancel",
    "choose",
    "clearance",
    "confirm",
    "index",
    "my_appointments",
    "outcome",
    "reschedule",
    "resume",
    "schedule",
    "times",
]
