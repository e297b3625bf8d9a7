"""The series check behind a program's preview: every occurrence, with alternatives.

The scheduling core repeats the local wall time (``occurrences``: DST keeps 18:00 at 18:00)
and judges every occurrence (``check_series``). An occurrence is bookable when it is one of
the slots the availability reads would offer for that therapist: hours, time off, bookings with
buffers, a suitable room, a valid licence, notice and window, exactly what ``booking_create``
will check again when the program is confirmed. For "any therapist" the therapist who can take
the most occurrences is chosen (ties: by name), so the client keeps one therapist; conflicts
may then be solved with a colleague in the same practice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from unknot.apps.booking import mappers
from unknot.apps.booking.availability import bookable_therapists, iter_offered_slots, services_for
from unknot.apps.booking.errors import NotBookable
from unknot.apps.booking.reference import schedule_reference
from unknot.apps.practices.models import Service, Technique
from unknot.apps.therapists.models import Therapist
from unknot.domain import scheduling as s

ALTERNATIVES = 3
ALTERNATIVES_SPAN = dt.timedelta(days=3)


@dataclass(frozen=True)
class Accepted:
    """A client's choice for one occurrence: another start, optionally with another therapist."""

    start: dt.datetime
    therapist: Therapist | None = None


@dataclass(frozen=True)
class Alternative:
    start: dt.datetime
    end: dt.datetime
    therapist: Therapist


@dataclass(frozen=True)
class PlannedSession:
    index: int
    start: dt.datetime
    end: dt.datetime
    therapist: Therapist
    ok: bool
    reason: str = ""
    accepted: bool = False
    alternatives: tuple[Alternative, ...] = ()


@dataclass
class SeriesPlan:
    technique: Technique
    service: Service
    therapist: Therapist
    requested: Therapist | None
    tz: ZoneInfo
    every_days: int
    sessions: list[PlannedSession] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(session.ok for session in self.sessions)

    @property
    def conflicts(self) -> list[PlannedSession]:
        return [session for session in self.sessions if not session.ok]


def _therapist_ref(therapist: Therapist) -> dict:
    return {"uid": therapist.uid, "name": therapist.display_name}


def plan_to_dict(plan: SeriesPlan) -> dict:
    """The JSON shape of a preview: local times with their offsets, therapists by uid."""
    tz = plan.tz
    return {
        "technique": plan.technique.slug,
        "technique_name": plan.technique.name,
        "duration": plan.service.duration_minutes,
        "therapist": _therapist_ref(plan.therapist),
        "therapist_requested": plan.requested.uid if plan.requested else "any",
        "practice": plan.service.practice.name,
        "time_zone": tz.key,
        "every_days": plan.every_days,
        "sessions": len(plan.sessions),
        "bookable": plan.ok,
        "conflicts": len(plan.conflicts),
        "occurrences": [
            {
                "index": session.index,
                "start": session.start.astimezone(tz).isoformat(),
                "end": session.end.astimezone(tz).isoformat(),
                "therapist": _therapist_ref(session.therapist),
                "status": "ok" if session.ok else "conflict",
                "reason": session.reason,
                "accepted": session.accepted,
                "alternatives": [
                    {
                        "start": alt.start.astimezone(tz).isoformat(),
                        "end": alt.end.astimezone(tz).isoformat(),
                        "therapist": alt.therapist.uid,
                        "therapist_name": alt.therapist.display_name,
                    }
                    for alt in session.alternatives
                ],
            }
            for session in plan.sessions
        ],
    }


def series_starts(
    first_start: dt.datetime, tz: ZoneInfo, every_days: int, count: int
) -> list[dt.datetime]:
    """UTC starts repeating the local wall time of ``first_start`` every ``every_days`` days."""
    return s.occurrences(first_start, tz, dt.timedelta(days=every_days), count)


def plan_series(
    *,
    technique: Technique,
    duration_minutes: int,
    therapist: Therapist | None,
    first_start: dt.datetime,
    every_days: int,
    count: int,
    now: dt.datetime,
    accept: dict[int, Accepted] | None = None,
) -> SeriesPlan:
    """Check every occurrence of a series; propose the nearest alternatives for each conflict.

    ``accept`` replaces occurrence ``index`` by the client's chosen start (and therapist).

    Raises:
        NotBookable: nobody offers the technique for that length, an ``accept`` index outside
            the series, or accepted times that would no longer run in order.
    """
    accept = accept or {}
    if any(index not in range(count) for index in accept):
        raise NotBookable(
            "An accepted alternative names a session outside the series.", field="accept"
        )
    ref = schedule_reference(now=now)
    candidates = bookable_therapists(
        technique=technique, therapist_uid=therapist.uid if therapist else None, ref=ref
    )
    services = services_for(
        practice_ids={t.practice_id for t in candidates},
        technique=technique,
        duration_minutes=duration_minutes,
        ref=ref,
    )
    candidates = [t for t in candidates if t.practice_id in services]
    if therapist is not None and not candidates:
        raise NotBookable(
            f"{therapist.display_name} does not offer {technique.name} for "
            f"{duration_minutes} minutes.",
            field="therapist",
        )
    if not candidates:
        raise NotBookable(
            f"Nobody offers {technique.name} for {duration_minutes} minutes at the moment.",
            field="duration",
        )

    starts_by_practice: dict[int, list[dt.datetime]] = {}
    for candidate in candidates:
        if candidate.practice_id not in starts_by_practice:
            tz = mappers.tz_for(candidate.practice)
            starts = series_starts(first_start, tz, every_days, count)
            for index, choice in accept.items():
                starts[index] = choice.start.astimezone(dt.UTC)
            if any(a >= b for a, b in zip(starts, starts[1:], strict=False)):
                raise NotBookable(
                    "The chosen times must keep the sessions in order, one after another.",
                    field="accept",
                )
            starts_by_practice[candidate.practice_id] = starts
    every_start = [x for starts in starts_by_practice.values() for x in starts]
    longest = dt.timedelta(minutes=duration_minutes)
    window = s.TimeRange(
        max(min(every_start) - ALTERNATIVES_SPAN, now),
        max(max(every_start) + longest, now) + ALTERNATIVES_SPAN,
    )
    offered: dict[int, list] = {t.pk: [] for t in candidates}
    for per_therapist in iter_offered_slots(
        technique=technique,
        duration_minutes=duration_minutes,
        window=window,
        now=now,
        therapist_uid=therapist.uid if therapist else None,
        ref=ref,
    ):
        for slot in per_therapist:
            offered[slot.therapist.pk].append(slot)
    offered_at = {pk: {slot.start for slot in slots} for pk, slots in offered.items()}
    by_pk = {t.pk: t for t in candidates}

    def owner(index: int, default: Therapist) -> Therapist:
        choice = accept.get(index)
        return choice.therapist if choice and choice.therapist else default

    def fits(candidate: Therapist) -> int:
        starts = starts_by_practice[candidate.practice_id]
        return sum(
            1
            for index, start in enumerate(starts)
            if start in offered_at.get(owner(index, candidate).pk, set())
        )

    chosen = therapist if therapist is not None else max(candidates, key=fits)
    if therapist is not None:
        chosen = by_pk[therapist.pk]
    service = services[chosen.practice_id]
    tz = mappers.tz_for(chosen.practice)
    spec = mappers.spec_for(service)
    rules = mappers.rules_for(chosen.practice)
    starts = starts_by_practice[chosen.practice_id]
    colleagues = [t for t in candidates if t.practice_id == chosen.practice_id]

    owners = [owner(index, chosen) for index in range(count)]
    free = s.merge(
        spec.occupied(start)
        for start, who in zip(starts, owners, strict=True)
        if start in offered_at.get(who.pk, set())
    )
    # The chosen therapist's slots first at equal starts: the client keeps their therapist.
    rank = {t.pk: (0 if t.pk == chosen.pk else 1, t.display_name) for t in colleagues}
    pool = sorted(
        (slot for t in colleagues for slot in offered[t.pk]),
        key=lambda slot: (slot.start, rank[slot.therapist.pk]),
    )
    checks = s.check_series(
        starts,
        spec,
        free,
        slots=[s.Slot(slot.start, slot.end, slot.therapist.pk) for slot in pool],
        alternatives=ALTERNATIVES * len(colleagues),
    )

    earliest = now + rules.min_notice
    latest = now + rules.booking_window
    sessions = []
    for check, who in zip(checks, owners, strict=True):
        reason = ""
        alternatives: list[Alternative] = []
        if not check.ok:
            reason = (
                "outside_booking_window" if not earliest <= check.start <= latest else "unavailable"
            )
            seen: set[dt.datetime] = set()
            for slot in check.alternatives:
                if slot.start in seen:
                    continue
                seen.add(slot.start)
                alternatives.append(Alternative(slot.start, slot.end, by_pk[slot.resource_id]))
                if len(alternatives) == ALTERNATIVES:
                    break
        sessions.append(
            PlannedSession(
                index=check.index,
                start=check.start,
                end=check.end,
                therapist=who,
                ok=check.ok,
                reason=reason,
                accepted=check.index in accept,
                alternatives=tuple(alternatives),
            )
        )
    return SeriesPlan(
        technique=technique,
        service=service,
        therapist=chosen,
        requested=therapist,
        tz=tz,
        every_days=every_days,
        sessions=sessions,
    )
