"""Errors raised by the guide core."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class GuideError(Exception):
    """Base class for every error the guide core raises on purpose."""


class CatalogueError(GuideError):
    """A catalogue data file is missing, malformed or inconsistent.

    The message always starts with the file name and, when known, names the entry:
    ``"techniques.toml: technique 'swedish': pressure_range must be two integers 1..5"``.
    """

    def __init__(self, file: str, message: str, entry: str | None = None) -> None:
        self.file = file
        self.entry = entry
        self.problem = message
        super().__init__(f"{file}: {entry}: {message}" if entry else f"{file}: {message}")


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One problem with one field of an intake.

    ``field`` is a dotted path with list indexes (``"health.conditions[1]"``); ``valid_values``
    lists the accepted values when the field takes one of a fixed set, otherwise ``None``.
    """

    field: str
    message: str
    valid_values: tuple[str, ...] | None = None

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-serialisable dict with keys field, message and valid_values."""
        return {
            "field": self.field,
            "message": self.message,
            "valid_values": None if self.valid_values is None else list(self.valid_values),
        }


class IntakeError(GuideError, ValueError):
    """An intake failed validation; ``problems`` holds every problem found, in input order."""

    def __init__(self, problems: Iterable[FieldProblem]) -> None:
        self.problems: tuple[FieldProblem, ...] = tuple(problems)
        lines = "; ".join(f"{p.field}: {p.message}" for p in self.problems)
        super().__init__(f"invalid intake ({len(self.problems)} problem(s)): {lines}")

    def to_dict(self) -> dict[str, object]:
        """Return ``{"problems": [...]}`` for API error responses."""
        return {"problems": [p.to_dict() for p in self.problems]}
