"""Booking errors with stable codes. The API and the pages turn them into answers."""

from __future__ import annotations


class BookingError(Exception):
    """Base: ``code`` is stable and documented; ``message`` is for people."""

    code = "booking_error"

    def __init__(self, message: str, **extra) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra


class SlotTaken(BookingError):
    """The time is no longer free; ``extra['alternatives']`` holds nearby free slots."""

    code = "slot_taken"


class OutsideBookingWindow(BookingError):
    code = "outside_booking_window"


class NotBookable(BookingError):
    """The request names something that cannot be booked (service, therapist, licence)."""

    code = "not_bookable"


class SafetyRefusal(BookingError):
    """The safety gate refuses: see a doctor, wait until well, or an excluded technique."""

    code = "safety_refused"

    def __init__(self, message: str, *, code: str, **extra) -> None:
        super().__init__(message, **extra)
        self.code = code


class PolicyRefusal(BookingError):
    """Too late to cancel or reschedule under the practice's policy, or a wrong transition."""

    def __init__(self, message: str, *, code: str, **extra) -> None:
        super().__init__(message, **extra)
        self.code = code


class IdempotencyKeyReused(BookingError):
    code = "idempotency_key_reused"


class BookingLimitReached(PolicyRefusal):
    """The client holds as many upcoming sessions as the practice allows (HTTP 409)."""

    def __init__(self, message: str, **extra) -> None:
        super().__init__(message, code="booking_limit_reached", **extra)


class ClientBusy(PolicyRefusal):
    """The client already has a session at that time, with any therapist (HTTP 409)."""

    def __init__(self, message: str, **extra) -> None:
        super().__init__(message, code="client_busy", **extra)
