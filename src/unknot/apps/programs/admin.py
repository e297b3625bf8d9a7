from django.contrib import admin

from unknot.apps.programs.models import Program, ProgramSession
from unknot.common.admin import PracticeScopedAdmin


class ProgramSessionInline(admin.TabularInline):
    model = ProgramSession
    extra = 0
    can_delete = False
    fields = ["index", "booking"]
    readonly_fields = ["index", "booking"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Program)
class ProgramAdmin(PracticeScopedAdmin):
    """Programs change through the program services (the client's and therapist's pages)."""

    list_display = [
        "uid",
        "client",
        "technique",
        "therapist",
        "every_days",
        "sessions_count",
        "status",
        "created_at",
    ]
    list_filter = ["status", "technique"]
    search_fields = ["uid", "client__email", "client__full_name"]
    readonly_fields = [
        "uid",
        "client",
        "practice",
        "technique",
        "service",
        "therapist",
        "weekday",
        "local_time",
        "every_days",
        "sessions_count",
        "phases",
        "assessment",
        "status",
        "idempotency_key",
        "request_fingerprint",
        "cancelled_at",
        "created_at",
        "updated_at",
    ]
    inlines = [ProgramSessionInline]

    def has_add_permission(self, request):
        return False


@admin.register(ProgramSession)
class ProgramSessionAdmin(PracticeScopedAdmin):
    practice_path = "program__practice"
    list_display = ["program", "index", "booking"]
    readonly_fields = ["program", "index", "booking"]

    def has_add_permission(self, request):
        return False
