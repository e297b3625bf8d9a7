"""Input rules shared by models, forms and API schemas: plain text in names, dates in range.

**Plain text.** A name is shown to other people (staff see clients' names, clients see
therapists'), so it must read as what it is. Characters that are invisible or reorder text
can disguise one: a right-to-left override makes "Ana\u202eXAM" display reversed, a
zero-width space makes two names look equal, a control character can break a line in a list.
``validate_plain_text`` refuses every character in the Unicode categories

- Cc (controls: NUL, tab, newline, escape …),
- Cf (format: bidi overrides and isolates U+202A–202E, U+2066–2069, the marks U+200E/200F,
  zero-width space/joiners U+200B–200D, word joiner, BOM, soft hyphen …),
- Co, Cs, Cn (private use, lone surrogates, unassigned),
- Zl, Zp (line and paragraph separators),

and says which one it found and where. Ordinary spaces and every letter, mark and digit of
any script (Arabic and Hebrew names included: they need no override) are allowed.
It is applied to every human name and short text field: the model field (so the admin and
model forms check it), the plain forms, and the API schemas (``unknot.api.fields``).
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.deconstruct import deconstructible

REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})

EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
"""Dates outside this range are typing mistakes or probes; no booking rule needs them."""


def first_refused_character(value: str) -> tuple[int, str] | None:
    """The position and character of the first refused character in ``value``, if any."""
    for index, char in enumerate(value):
        if unicodedata.category(char) in REFUSED_CATEGORIES:
            return index, char
    return None


def plain_text_problem(value: str) -> str | None:
    """Why ``value`` is not plain text, in words, or None when it is."""
    found = first_refused_character(value or "")
    if found is None:
        return None
    index, char = found
    name = unicodedata.name(char, "a control character")
    return (
        f"Remove the invisible character U+{ord(char):04X} ({name.lower()}) at position "
        f"{index + 1}: names and short texts take letters, digits, spaces and punctuation only."
    )


@deconstructible
class PlainTextValidator:
    """Django validator form of ``plain_text_problem`` (models and forms)."""

    code = "invisible_character"

    def __call__(self, value) -> None:
        problem = plain_text_problem(str(value))
        if problem is not None:
            raise ValidationError(problem, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, PlainTextValidator)

    def __hash__(self) -> int:
        return hash(self.code)


validate_plain_text = PlainTextValidator()


def date_in_range_validators() -> list:
    return [
        MinValueValidator(EARLIEST_DATE, message=f"Choose a date from {EARLIEST_DATE:%Y} on."),
        MaxValueValidator(LATEST_DATE, message=f"Choose a date before {LATEST_DATE:%Y}."),
    ]


def datetime_in_range(value: dt.datetime) -> bool:
    """Whether ``value`` (aware or naive) falls on a date inside the accepted range."""
    return EARLIEST_DATE <= value.date() <= LATEST_DATE
