from django.contrib import admin

from unknot.apps.accounts.privilege import manages_security_settings
from unknot.apps.practices.models import Practice, Room, Service, Technique
from unknot.common.admin import PracticeScopedAdmin, ReferenceDataAdmin, is_back_office_user

SECURITY_SETTINGS = ("require_two_factor", "health_record_retention_days")
"""A practice's security settings: only its owner (or a superuser) changes them."""


@admin.register(Practice)
class PracticeAdmin(PracticeScopedAdmin):
    """The front desk keeps the booking rules; the owner also sets the security settings."""

    practice_path = "id"
    list_display = ["name", "time_zone", "phone", "cancellation_cutoff_hours"]
    search_fields = ["name", "address"]
    prepopulated_fields = {"slug": ["name"]}

    def _scope(self, request, qs):
        return qs if request.user.is_superuser else qs.filter(pk=request.user.practice_id)

    def get_queryset(self, request):
        return self._scope(request, admin.ModelAdmin.get_queryset(self, request))

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return is_back_office_user(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not manages_security_settings(request.user, obj):
            fields += [f for f in SECURITY_SETTINGS if f not in fields]
        return fields


@admin.register(Technique)
class TechniqueAdmin(ReferenceDataAdmin):
    list_display = ["name", "slug", "position"]
    ordering = ["position"]


@admin.register(Room)
class RoomAdmin(PracticeScopedAdmin):
    list_display = ["name", "kind", "practice", "is_active"]
    list_filter = ["kind", "is_active", "practice"]
    filter_horizontal = ["techniques"]


@admin.register(Service)
class ServiceAdmin(PracticeScopedAdmin):
    list_display = [
        "technique",
        "duration_minutes",
        "price",
        "buffer_before_minutes",
        "buffer_after_minutes",
        "practice",
        "is_active",
    ]
    list_filter = ["technique", "is_active", "practice"]
