"""The API's one pagination: ``?limit=&offset=``, both bounded.

ninja's ``LimitOffsetPagination`` bounds ``limit`` but not ``offset``, so a huge offset reached
the database as a number it cannot hold (a 500). Every list endpoint paginates with this class
(``NINJA_PAGINATION_CLASS`` makes it the default too): an offset beyond ``MAX_OFFSET`` is a 422
that says so, and the OpenAPI document states both bounds.
"""

from __future__ import annotations

from ninja import Field, Schema
from ninja.conf import settings
from ninja.pagination import LimitOffsetPagination

MAX_OFFSET = 100_000
"""Far past any real list of one caller's rows; beyond it a request is a probe, not a page."""


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            settings.PAGINATION_PER_PAGE,
            ge=1,
            le=settings.PAGINATION_MAX_LIMIT,
            description="How many rows to return.",
        )
        offset: int = Field(
            0, ge=0, le=MAX_OFFSET, description=f"Rows to skip, at most {MAX_OFFSET}."
        )
