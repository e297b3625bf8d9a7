"""Framework-free scheduling core: availability, slots, recurrence and booking policies.

Pure standard-library Python. Nothing here reads a clock, settings or a database: the
current instant, the therapist's zone and every rule are arguments. Instants are aware
datetimes returned in UTC; working hours are local wall-clock times; durations are
``timedelta``. A typical request::

    working = working_ranges(weekly, overrides, time_off, tz, window)
    free = free_ranges(working, busy)  # busy: busy_from_booking(...) per booking
    slots = generate_slots(free, service, rules, tz, now, window)
"""

from .availability import free_ranges, working_ranges
from .errors import (
    OutsideBookingWindow,
    SchedulingError,
    SlotUnavailable,
    TooLateToCancel,
    TooLateToReschedule,
)
from .policies import (
    CancellationOutcome,
    can_reschedule,
    cancellation_outcome,
    ensure_can_reschedule,
)
from .recurrence import OccurrenceCheck, OccurrenceStatus, check_series, occurrences
from .slots import ensure_bookable, first_free_slot, generate_slots, iter_slots, nearest_slots
from .time_ranges import (
    TimeRange,
    find_containing,
    intersect,
    is_normalized,
    merge,
    overlaps_any,
    subtract,
    total_duration,
)
from .types import (
    BookingRules,
    Busy,
    DateOverride,
    ResourceId,
    ServiceSpec,
    Slot,
    TimeOff,
    WeeklyHours,
    busy_from_booking,
)

__all__ = [
    "BookingRules",
    "Busy",
    "CancellationOutcome",
    "DateOverride",
    "OccurrenceCheck",
    "OccurrenceStatus",
    "OutsideBookingWindow",
    "ResourceId",
    "SchedulingError",
    "ServiceSpec",
    "Slot",
    "SlotUnavailable",
    "TimeOff",
    "TimeRange",
    "TooLateToCancel",
    "TooLateToReschedule",
    "WeeklyHours",
    "busy_from_booking",
    "can_reschedule",
    "cancellation_outcome",
    "check_series",
    "ensure_bookable",
    "ensure_can_reschedule",
    "find_containing",
    "first_free_slot",
    "free_ranges",
    "generate_slots",
    "intersect",
    "is_normalized",
    "iter_slots",
    "merge",
    "nearest_slots",
    "occurrences",
    "overlaps_any",
    "subtract",
    "total_duration",
    "working_ranges",
]
