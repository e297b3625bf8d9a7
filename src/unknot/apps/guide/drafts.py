"""A visitor's answers while they take the self-assessment, kept in their own session only.

Nothing here touches the database tables of the guide: an anonymous visitor's health answers
live in their session (and go when it ends or they clear them), and are stored against an
account only when a signed-in client chooses "Save to my account".
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from typing import Any

# Answers that may have changed since the last assessment are asked afresh: being unwell,
# pregnancy, pain nobody has checked yet, operations, and the warning signs.
CHANGEABLE_GROUPS = frozenset({"unwell", "pregnancy"})
CHANGEABLE_CONDITIONS = frozenset({"undiagnosed-pain", "undiagnosed-lump"})

DRAFT_KEY = "guide.assessment.draft"
PENDING_KEY = "guide.assessment.pending"


def merge(base: Mapping[str, Any], fragment: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` updated with ``fragment``; nested sections (pain, health, …) merge key by key."""
    merged = copy.deepcopy(dict(base))
    for key, value in fragment.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = {**merged[key], **copy.deepcopy(dict(value))}
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def get_draft(session) -> dict[str, Any]:
    """The answers given so far (a copy: change it through :func:`save_fragment`)."""
    draft = session.get(DRAFT_KEY)
    return copy.deepcopy(draft) if isinstance(draft, dict) else {}


def save_fragment(session, fragment: Mapping[str, Any]) -> dict[str, Any]:
    """Add one step's validated answers to the draft and return the whole draft."""
    draft = merge(get_draft(session), fragment)
    session[DRAFT_KEY] = draft
    return draft


def set_pending(session, *, intake: Mapping[str, Any], now: dt.datetime) -> None:
    """Keep a finished intake (normalised) so its result can be shown and saved later."""
    session[PENDING_KEY] = {"intake": dict(intake), "taken_at": now.isoformat()}


def get_pending(session) -> dict[str, Any] | None:
    """``{"intake", "taken_at"}`` of the finished, unsaved assessment, or None."""
    pending = session.get(PENDING_KEY)
    if isinstance(pending, dict) and isinstance(pending.get("intake"), dict):
        return copy.deepcopy(pending)
    return None


def clear_all(session) -> None:
    """Forget every answer this visitor gave in this session."""
    session.pop(DRAFT_KEY, None)
    session.pop(PENDING_KEY, None)


def carried_health(intake: Mapping[str, Any], catalogue) -> dict[str, Any]:
    """The health answers of a saved intake that are offered again, already filled in.

    Long-standing answers (conditions outside the changeable groups, blood thinners, age,
    where a condition is) come back so the client is not asked again, only to check them;
    anything that may have changed is left out and asked afresh.
    """
    health = intake.get("health") or {}
    kept = [
        c
        for c in health.get("conditions", [])
        if c in catalogue.conditions
        and catalogue.conditions[c].screen_group not in CHANGEABLE_GROUPS
        and c not in CHANGEABLE_CONDITIONS
    ]
    sites = {c: where for c, where in (health.get("sites") or {}).items() if c in kept}
    carried: dict[str, Any] = {
        "conditions": kept,
        "anticoagulants": bool(health.get("anticoagulants")),
        "age": health.get("age"),
        "sites": sites,
    }
    carried["none_apply"] = bool(health.get("none_apply")) and not kept
    return {"health": carried}
