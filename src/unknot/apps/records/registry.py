"""Where each app declares the personal data it holds, for export and erasure.

Every app that stores data about a person registers a :class:`PersonalData` in its
``AppConfig.ready`` and names the tables it covers (``models``). A table that holds a person's
identifiers but no one's personal data (a practice's own address, a technique's name) is
declared with :func:`not_personal` and the reason. ``tests/apps/records/test_registry.py``
enumerates every installed model and fails when one with a personal field is neither.

"Export everything about me" asks each entry for its section; closing an account asks each
one to act, at the time the practice's retention allows:

- ``practices(user, now=...)`` names the practices holding the entry's *clinical* records of
  ``user`` (a session that took place, its note and check-ins): only those start a hold;
- ``erase(user, practice_id=..., now=...)`` erases them for one practice, or, with
  ``practice_id=None``, the records that belong to no practice (called once no practice keeps
  anything any more). It returns how many records went;
- ``on_close(user, email=..., now=...)`` runs at once when the account closes, in ``order``:
  it cancels what is still to come, deletes what nobody needs and pseudonymises what must stay
  (``email`` is the address the account had, for logs keyed by it).

The closure page and notice are written from ``retained``, ``erased`` and ``pseudonymised``:
what of the entry is kept for the legal retention period, erased at once, or kept with the
person's identifiers replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PersonalData:
    name: str
    title: str
    export: Callable[[Any], Any] | None
    erase: Callable[..., int] | None = None
    practices: Callable[..., set[int]] | None = None
    on_close: Callable[..., int] | None = None
    description: str = ""
    models: tuple[str, ...] = ()
    retained: str = ""
    erased: str = ""
    pseudonymised: str = ""
    order: int = 100


_REGISTRY: dict[str, PersonalData] = {}
_NOT_PERSONAL: dict[str, str] = {}


def register(data: PersonalData) -> None:
    """Add (or replace, by name) one app's personal data."""
    _REGISTRY[data.name] = data


def registered() -> list[PersonalData]:
    return list(_REGISTRY.values())


def exported() -> list[PersonalData]:
    """The entries that have a section in the export, in registration order."""
    return [p for p in _REGISTRY.values() if p.export is not None]


def not_personal(label: str, reason: str) -> None:
    """Declare that table ``label`` ("app_label.Model") holds no one's personal data."""
    _NOT_PERSONAL[label] = reason


def not_personal_tables() -> dict[str, str]:
    return dict(_NOT_PERSONAL)


def covered_tables() -> dict[str, list[str]]:
    """Each table named by an entry, with the entries that name it."""
    tables: dict[str, list[str]] = {}
    for data in _REGISTRY.values():
        for label in data.models:
            tables.setdefault(label, []).append(data.name)
    return tables


def replace_ignoring_case(text: str, word: str, by: str) -> str:
    """``text`` with every occurrence of ``word``, in any case, replaced by ``by``."""
    if not word:
        return text
    lower, target, out, start = text.lower(), word.lower(), [], 0
    while (found := lower.find(target, start)) >= 0:
        out.append(text[start:found] + by)
        start = found + len(word)
    return "".join(out) + text[start:]
