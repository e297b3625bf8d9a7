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
