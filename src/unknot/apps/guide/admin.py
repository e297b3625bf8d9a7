from django.contrib import admin
from django.db.models import Exists, OuterRef

from unknot.apps.guide.models import SavedAssessment
from unknot.apps.records.admin import AuditedAdminMixin
from unknot.common.admin import is_back_office_user


@admin.register(SavedAssessment)
class SavedAssessmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read-only: an assessment is what the client answered and was told.

    Staff list the assessments of clients who have booked at their practice; opening one
    follows the health-record rule at their practice (owner, break-glass) and is audited.
    """

    audit_kind = "assessment"

    def record_practice_id(self, request, obj):
        return request.user.practice_id

    list_display = ["uid", "client", "status", "catalogue_version", "created_at"]
    list_filter = ["status"]
    search_fields = ["uid", "client__email"]
    readonly_fields = ["uid", "client", "status", "catalogue_version", "intake", "result"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        from unknot.apps.booking.models import Booking

        booked_here = Booking.objects.filter(
            client=OuterRef("client"), practice_id=request.user.practice_id
        )
        return qs.filter(Exists(booked_here))

    def has_module_permission(self, request):
        return is_back_office_user(request.user)

    def has_view_permission(self, request, obj=None):
        return is_back_office_user(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
