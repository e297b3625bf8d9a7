"""Where each app declares the personal data it holds, for export and erasure.

Every app that stores data about a client registers a :class:`PersonalData` in its
``AppConfig.ready``. "Export everything about me" asks each one for its section; closing an
account asks each one to erase, at the time the practice's retention allows:

- ``practices(user)`` names the practices holding the app's health records of ``user``;
- ``erase(user, practice_id=..., now=...)`` erases them for one practice, or, with
  ``practice_id=None``, the records that belong to no practice (called once no practice keeps
  anything any more). It returns how many records went;
- ``on_close(user, now=...)`` runs at once when the account closes, for what identifies the
  person outside the health records (a name or email copied into another table, open waitlist
  entries, private messages).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonalData:
    name: str
    title: str
    export: Callable[[Any], Any]
    erase: Callable[..., int] | None = None
    practices: Callable[[Any], set[int]] | None = None
    on_close: Callable[..., int] | None = None
    description: str = ""


_REGISTRY: dict[str, PersonalData] = {}


def register(data: PersonalData) -> None:
    """Add (or replace, by name) one app's personal data."""
    _REGISTRY[data.name] = data


def registered() -> list[PersonalData]:
    return list(_REGISTRY.values())
