"""Argument checks shared by the scheduling modules (private)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

ZERO = timedelta(0)


def require_aware(value: datetime, name: str) -> None:
    """Raise ``ValueError`` unless ``value`` is a timezone-aware ``datetime``."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")


def require_non_negative(value: timedelta, name: str) -> None:
    """Raise ``ValueError`` if the duration ``value`` is negative."""
    if not isinstance(value, timedelta):
        raise TypeError(f"{name} must be a timedelta, got {type(value).__name__}")
    if value < ZERO:
        raise ValueError(f"{name} must not be negative, got {value}")


def require_positive(value: timedelta, name: str) -> None:
    """Raise ``ValueError`` unless the duration ``value`` is strictly positive."""
    require_non_negative(value, name)
    if value == ZERO:
        raise ValueError(f"{name} must be positive, got {value}")


def to_utc(value: datetime, name: str) -> datetime:
    """Return the aware ``value`` converted to UTC; raise ``ValueError`` if it is naive.

    Arithmetic on datetimes sharing one ``ZoneInfo`` is wall-clock arithmetic in Python
    (``x + timedelta(hours=24)`` keeps the wall time across DST), so every instant is
    converted to UTC before any sum or difference.
    """
    require_aware(value, name)
    return value.astimezone(UTC)
