"""``Cache-Control: no-store`` for every response that may carry health data.

Two keys, so nothing slips through: a path family that serves health data (the whole API, the
admin, records, progress, the assessment and the appointment, schedule and calendar pages), and
any response during which ``records.audit.health_read`` ran (whatever its path). Browsers and
proxies then keep no copy of a SOAP note or a check-in on disk or in the back/forward cache.
"""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers

from unknot.apps.records import audit

HEALTH_PATH_PREFIXES = (
    "/api/",
    "/admin/",
    "/records/",
    "/progress/",
    "/assessment/",
    "/appointments/",
    "/schedule/",
    "/calendar/",
    "/programs/",
)


def serves_health_data(path: str) -> bool:
    return path.startswith(HEALTH_PATH_PREFIXES)


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        audit.reset_health_read()
        response = self.get_response(request)
        if serves_health_data(request.path) or audit.health_read_happened():
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
            response["Pragma"] = "no-cache"
        audit.reset_health_read()
        return response
