"""The error records services raise for bad input or a refused change."""

from __future__ import annotations


class RecordsError(Exception):
    """Bad input or a refused change; ``problems`` maps a field to what is wrong."""

    def __init__(self, message: str, *, code: str = "invalid", problems=None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.problems: dict[str, str] = dict(problems or {})
