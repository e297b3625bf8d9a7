"""Steps other apps add to saving a self-assessment, called by the guide's service explicitly.

Booking registers one from ``BookingConfig.ready``: a new assessment with a new red flag or
contraindication holds the client's sessions already booked (``booking.rescreen``). Each step
runs inside ``assessment_save``'s transaction, after the row is stored, with keyword arguments
``client``, ``assessment`` and ``now``. Registration replaces by name.
"""

from __future__ import annotations

from collections.abc import Callable

AfterSave = Callable[..., object]

_AFTER_SAVE: dict[str, AfterSave] = {}


def register_after_save(name: str, step: AfterSave) -> None:
    _AFTER_SAVE[name] = step


def after_save_steps() -> list[AfterSave]:
    return list(_AFTER_SAVE.values())
