from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from unknot.apps.home.selectors import practice_list, technique_offer_list


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "home/index.html",
        {"practices": practice_list(), "techniques": technique_offer_list()},
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not: for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "unavailable", "database": str(error)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@never_cache
@require_GET
def bench_floor(request: HttpRequest) -> HttpResponse:
    """A no-op behind the full middleware stack: the benchmark's ceiling (bench/README.md).

    Mounted only when the UNKNOT_BENCH_FLOOR setting is on; it reads nothing and writes nothing.
    """
    return JsonResponse({"ok": True})
