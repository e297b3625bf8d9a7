"""What progress needs from the programs app, read defensively in this one place.

A program (``apps.programs``) holds the client's series of sessions and the plan's phases.
Progress reads whether the client is in the maintenance phase, and an accepted suggestion
adjusts the program through ``programs.services.program_adjust``: the interval of the
maintenance phase, or another technique. If the programs app is missing or refuses (a session
no longer fits), the suggestion still counts and the result says what was not changed.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.apps import apps

log = logging.getLogger(__name__)


def _program_model():
    try:
        return apps.get_model("programs", "Program")
    except LookupError:
        return None


def active_program(client, practice_id: int):
    model = _program_model()
    if model is None:
        return None
    return (
        model.objects.filter(client=client, practice_id=practice_id, status="active")
        .select_related("practice", "technique", "service")
        .order_by("-created_at", "-id")
        .first()
    )


def _phases(program) -> list[dict]:
    return [p for p in (program.phases or []) if isinstance(p, dict)]


def maintenance_phase(program) -> dict | None:
    """The plan's last phase: every protocol ends in exactly one maintenance phase."""
    phases = _phases(program)
    if len(phases) < 2:
        return None
    return phases[-1]


def in_maintenance(program, now: dt.datetime) -> bool:
    """True when the next session of ``program`` falls in its maintenance phase."""
    if program is None:
        return False
    last = maintenance_phase(program)
    if last is None:
        return False
    from unknot.apps.programs.selectors import phase_of

    upcoming = (
        program.sessions.filter(booking__starts_at__gt=now).order_by("index").first()
        if hasattr(program, "sessions")
        else None
    )
    if upcoming is None:
        return False
    return phase_of(program.phases, upcoming.index) == last.get("name")


def apply(suggestion, *, by, now: dt.datetime, technique_slug: str | None = None) -> dict:
    """Adjust the active program for an accepted suggestion; return what happened."""
    program = active_program(suggestion.client, suggestion.practice_id)
    if program is None:
        return {}
    try:
        from unknot.apps.booking.errors import BookingError
        from unknot.apps.practices.models import Technique
        from unknot.apps.programs.services import program_adjust
    except ImportError:  # pragma: no cover - the programs app is part of the project
        return {}
    kwargs: dict = {}
    if suggestion.kind == "maintenance":
        phase = maintenance_phase(program)
        every = int((phase or {}).get("every_days") or 0)
        if every <= 0 or every == program.every_days:
            return {"program": program.uid, "changed": False}
        kwargs["every_days"] = every
    elif suggestion.kind == "change-technique" and technique_slug:
        technique = Technique.objects.filter(slug=technique_slug).first()
        if technique is None or technique.pk == program.technique_id:
            return {"program": program.uid, "changed": False}
        kwargs["technique"] = technique
    else:
        return {}
    try:
        program_adjust(program=program, by=by, now=now, confirm=True, **kwargs)
    except BookingError as error:
        log.info("program %s not adjusted: %s", program.uid, error)
        return {"program": program.uid, "changed": False, "not_changed_because": error.message}
    done = {"program": program.uid, "changed": True}
    if "every_days" in kwargs:
        done["every_days"] = kwargs["every_days"]
    if "technique" in kwargs:
        done["technique"] = technique_slug
    return done
