"""``booking_changed(kind, booking)`` fires after a booking change is committed.

Kinds: created, rescheduled, cancelled, confirmed. Notifications and the waitlist listen here,
so the booking services need not know about them.
"""

from django.dispatch import Signal

booking_changed = Signal()
