"""The JSON API, version 1, with its OpenAPI document at /api/v1/openapi.json."""

from ninja import NinjaAPI

from unknot.api import errors
from unknot.api.v1 import auth, availability, bookings, therapists

api = NinjaAPI(
    title="Unknot API",
    version="1",
    urls_namespace="api-v1",
    description="Self-assessment, therapists, availability and booking for a massage practice.",
)
errors.install(api)
api.add_router("", auth.router)
api.add_router("", therapists.router)
api.add_router("", availability.router)
api.add_router("", bookings.router)
