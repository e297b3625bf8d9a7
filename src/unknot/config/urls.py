from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from unknot.api.urls import api
from unknot.apps.home.views import bench_floor, healthz

admin.site.site_header = "Unknot back office"
admin.site.site_title = "Unknot back office"
admin.site.index_title = "Practice administration"

urlpatterns = [
    path("", include("unknot.apps.home.urls")),
    path("techniques/", include("unknot.apps.guide.urls")),
    path("assessment/", include("unknot.apps.guide.assessment_urls")),
    path("evidence/", include("unknot.apps.guide.evidence_urls")),
    path("therapists/", include("unknot.apps.therapists.urls")),
    path("accounts/", include("unknot.apps.accounts.urls")),
    path("", include("unknot.apps.booking.urls")),
    path("", include("unknot.apps.notifications.urls")),
    path("", include("unknot.apps.questions.urls")),
    path("programs/", include("unknot.apps.programs.urls")),
    path("waitlist/", include("unknot.apps.waitlist.urls")),
    path("progress/", include("unknot.apps.progress.urls")),
    path("records/", include("unknot.apps.records.urls")),
    path("payments/", include("unknot.apps.payments.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    *([path("bench/floor", bench_floor, name="bench-floor")] if settings.BENCH_FLOOR else []),
    # Uploaded photos. Production serves MEDIA_ROOT from the web server or object storage.
    path(
        f"{settings.MEDIA_URL.strip('/')}/<path:path>",
        serve,
        {"document_root": settings.MEDIA_ROOT},
    ),
]
