"""The JSON API, version 1, with its OpenAPI document at /api/v1/openapi.json."""

from ninja import NinjaAPI

from unknot.api import errors
from unknot.api.v1 import (
    assessments,
    auth,
    availability,
    bookings,
    calendar,
    catalogue,
    programs,
    questions,
    soonest,
    therapists,
    waitlist,
)

api = NinjaAPI(
    title="Unknot API",
    version="1",
    urls_namespace="api-v1",
    description="Self-assessment, therapists, availability and booking for a massage practice.",
)
errors.install(api)
api.add_router("", auth.router)
api.add_router("", therapists.router)
api.add_router("", soonest.router)
api.add_router("", availability.router)
api.add_router("", bookings.router)
api.add_router("", assessments.router)
api.add_router("", catalogue.router)
api.add_router("", calendar.router)
api.add_router("", questions.router)
api.add_router("", programs.router)
api.add_router("", waitlist.router)

# Check-ins, progress, session notes and the client's own data (issue 6); the caller's own
# API tokens (issue 12).
from unknot.api.v1 import checkins, me, notes, progress, tokens  # noqa: E402

for _module in (checkins, progress, notes, me, tokens):
    api.add_router("", _module.router)

# Break-glass reads and records requests (issue 12).
from unknot.api.v1 import access  # noqa: E402

api.add_router("", access.router)
