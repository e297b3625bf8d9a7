"""Bookable slots from free time, plus "soonest" and "nearest" searches.

Buffer semantics. An existing booking blocks ``[start - its buffer_before, end + its
buffer_after)`` (see ``busy_from_booking``). A new slot starting at ``s`` is offered only
if its own widened range ``[s - buffer_before, s + duration + buffer_after)`` lies inside
ONE free range. Hence, between an earlier booking's end and a new start there are at
least ``old.buffer_after + new.buffer_before``, and a long service is never offered where
its tail would run into a later booking, whatever the grid step (django-appointment #261).

Grid. Candidate starts are local midnight plus multiples of ``rules.slot_step`` on the
therapist's wall clock, so a 15-minute step gives :00/:15/:30/:45 local times before and
after a DST change. Readings inside a spring-forward gap are never offered; on a
fall-back night both instants showing, e.g., 01:30 are offered as two distinct UTC slots,
so a UI must label slots with their UTC offset that night.

Rules. ``now + min_notice <= start <= now + booking_window``, both inclusive.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ._checks import to_utc
from ._wallclock import EPOCH, TICK, grid_instants, offset_at
from .errors import OutsideBookingWindow, SlotUnavailable
from .time_ranges import TimeRange, find_containing, require_normalized
from .types import BookingRules, ResourceId, ServiceSpec, Slot


def _start_bounds(
    rules: BookingRules, now: datetime, window: TimeRange
) -> tuple[datetime, datetime]:
    """Inclusive bounds on slot starts from the window and the booking rules."""
    now = to_utc(now, "now")
    first = max(window.start, now + rules.min_notice)
    last = min(window.end - TICK, now + rules.booking_window)
    return first, last


def iter_slots(
    free: Sequence[TimeRange],
    service: ServiceSpec,
    rules: BookingRules,
    tz: ZoneInfo,
    now: datetime,
    window: TimeRange,
    resource_id: ResourceId = None,
) -> Iterator[Slot]:
    """Lazily yield the slots of ``generate_slots`` in start order (see there)."""
    require_normalized(free, "free")
    first, last = _start_bounds(rules, now, window)
    if first > last:
        return
    before, after, duration = service.buffer_before, service.buffer_after, service.duration
    # Free ranges ending before the earliest start cannot host anything: skip them.
    for index in range(bisect_right(free, first, key=lambda r: r.end), len(free)):
        piece = free[index]
        low = max(piece.start + before, first)
        if low > last:
            break
        high = min(piece.end - duration - after, last)
        for start in grid_instants(tz, low, high, rules.slot_step):
            yield Slot(start, start + duration, resource_id)


def generate_slots(
    free: Sequence[TimeRange],
    service: ServiceSpec,
    rules: BookingRules,
    tz: ZoneInfo,
    now: datetime,
    window: TimeRange,
    resource_id: ResourceId = None,
) -> list[Slot]:
    """Return every bookable slot whose start lies in ``window``, sorted by start.

    A start ``s`` is offered when it is on the local grid of ``rules.slot_step`` in ``tz``,
    ``window.start <= s < window.end``, ``now + min_notice <= s <= now + booking_window``
    and ``service.occupied(s)`` (buffers included) fits inside one range of ``free``.

    ``window`` limits starts only; ``free`` must cover the time the slots need, so compute
    it over ``window`` widened by ``buffer_before`` and ``buffer_after + duration``.

    Args:
        free: normalized UTC free time, e.g. from ``free_ranges``.
        service: duration and buffers of the service being booked.
        rules: grid step, minimum notice and booking window.
        tz: the therapist's zone; the grid is aligned to its wall clock.
        now: the current instant, injected (aware).
        window: the UTC span in which starts are wanted.
        resource_id: copied onto every slot.

    Cost: O(log n + r + k) for n free ranges, r of them visited and k slots returned.

    Raises:
        ValueError: naive ``now`` or ``free`` not normalized.
    """
    return list(iter_slots(free, service, rules, tz, now, window, resource_id))


def first_free_slot(
    free: Sequence[TimeRange],
    service: ServiceSpec,
    rules: BookingRules,
    tz: ZoneInfo,
    now: datetime,
    window: TimeRange,
    resource_id: ResourceId = None,
) -> Slot | None:
    """Return the soonest slot ``generate_slots`` would offer, or None; stops at the first hit."""
    return next(iter_slots(free, service, rules, tz, now, window, resource_id), None)


def ensure_bookable(
    start: datetime,
    free: Sequence[TimeRange],
    service: ServiceSpec,
    rules: BookingRules,
    tz: ZoneInfo,
    now: datetime,
    *,
    on_grid: bool = True,
    resource_id: ResourceId = None,
) -> Slot:
    """Check one requested start against the same rules as ``generate_slots``; return its slot.

    Meant as the friendly pre-check before a booking is written (the database constraint
    still has the last word). Pass ``on_grid=False`` for staff booking off-grid.

    Args:
        start: requested aware start.
        free: normalized UTC free time around ``start``.

    Cost: O(log n) with bisect over ``free``.

    Raises:
        OutsideBookingWindow: ``start`` before ``now + min_notice`` or after
            ``now + booking_window``.
        SlotUnavailable: off the local grid (when ``on_grid``) or the widened range is
            not inside one free range.
        ValueError: naive ``start`` or ``now``.
    """
    start = to_utc(start, "start")
    now = to_utc(now, "now")
    if start < now + rules.min_notice:
        raise OutsideBookingWindow(f"{start} is within the minimum notice of {rules.min_notice}")
    if start > now + rules.booking_window:
        raise OutsideBookingWindow(
            f"{start} is beyond the booking window of {rules.booking_window}"
        )
    if on_grid and (start + offset_at(tz, start) - EPOCH) % rules.slot_step:
        raise SlotUnavailable(f"{start} is not on the {rules.slot_step} grid in {tz.key}")
    if find_containing(free, service.occupied(start)) is None:
        raise SlotUnavailable(f"{start} is not free for the service and its buffers")
    return Slot(start, start + service.duration, resource_id)


def nearest_slots(
    slots: Sequence[Slot],
    wanted: datetime,
    limit: int,
    *,
    accept: Callable[[Slot], bool] | None = None,
) -> list[Slot]:
    """Return up to ``limit`` slots whose starts are closest to ``wanted``.

    Ordered by ``|start - wanted|``; on equal distance the earlier slot comes first.
    ``accept`` optionally rejects candidates (e.g. ones colliding with other
    occurrences of a series).

    Args:
        slots: sorted by start (as ``generate_slots`` returns them); may mix resources.
        wanted: the aware start the client asked for.
        limit: maximum number of slots returned, ``>= 0``.

    Cost: O(n) to verify the order, then O(log n + visited) to expand around ``wanted``.

    Raises:
        ValueError: naive ``wanted``, negative ``limit`` or unsorted ``slots``.
    """
    wanted = to_utc(wanted, "wanted")
    if limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    require_sorted_slots(slots)
    return nearest_in_sorted(slots, wanted, limit, accept)


def require_sorted_slots(slots: Sequence[Slot]) -> None:
    """Raise ``ValueError`` unless ``slots`` is sorted by start. O(n)."""
    if any(left.start > right.start for left, right in zip(slots, slots[1:], strict=False)):
        raise ValueError("slots must be sorted by start")


def nearest_in_sorted(
    slots: Sequence[Slot],
    wanted: datetime,
    limit: int,
    accept: Callable[[Slot], bool] | None,
) -> list[Slot]:
    """``nearest_slots`` without argument checks, for callers that already checked the order."""
    right = bisect_left(slots, wanted, key=lambda slot: slot.start)
    left = right - 1
    picked: list[tuple[timedelta, datetime, int]] = []
    while len(picked) < limit and (left >= 0 or right < len(slots)):
        take_left = right >= len(slots) or (
            left >= 0 and wanted - slots[left].start <= slots[right].start - wanted
        )
        if take_left:
            index, left = left, left - 1
        else:
            index, right = right, right + 1
        slot = slots[index]
        if accept is None or accept(slot):
            picked.append((abs(slot.start - wanted), slot.start, index))
    picked.sort()
    return [slots[index] for _, _, index in picked]
