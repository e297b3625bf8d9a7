"""Why a question or an answer was refused: a stable code, a message and the field."""

from __future__ import annotations


class QuestionRefused(Exception):
    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
