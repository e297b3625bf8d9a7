"""Field types shared by the API's input schemas: dates in range, local times of day, plain
text (``unknot.common.validators``).

Every date or time an API caller sends is one of these (or a string read by
``availability.parse_instant``, which checks the same range), so a far date or a time with a
UTC offset is a 422 that says what is wrong, never an overflow or a database error.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, Field

from unknot.common.validators import EARLIEST_DATE, LATEST_DATE, plain_text_problem
from unknot.common.validators import datetime_in_range as in_range

__all__ = [
    "EARLIEST_DATE",
    "LATEST_DATE",
    "InRangeDate",
    "InstantText",
    "LocalTime",
    "PlainText",
    "Slug",
    "in_range",
]


def _local(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise ValueError(
            "Give a local time of day without a UTC offset, e.g. 09:30; it is read in the "
            "practice's time zone."
        )
    return value


LocalTime = Annotated[dt.time, AfterValidator(_local)]
InRangeDate = Annotated[dt.date, Field(ge=EARLIEST_DATE, le=LATEST_DATE)]


def _plain(value: str) -> str:
    problem = plain_text_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


PlainText = Annotated[str, AfterValidator(_plain)]

Slug = Annotated[str, Field(max_length=60)]
"""An identifier from the catalogue (a region, a technique, an evidence id) in a list."""

InstantText = Annotated[str, Field(max_length=40)]
"""An ISO 8601 instant as text, read by ``availability.parse_instant``."""
"""A name or short text: no control, format (bidi, zero-width) or unassigned characters."""
