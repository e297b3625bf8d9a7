from django.contrib import admin
from django.db.models import Q

from unknot.apps.waitlist.models import WaitlistEntry, WaitlistOffer
from unknot.common.admin import PracticeScopedAdmin


class WaitlistOfferInline(admin.TabularInline):
    model = WaitlistOffer
    extra = 0
    can_delete = False
    fields = ["slot_start", "therapist", "service", "status", "expires_at", "booking"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(PracticeScopedAdmin):
    """Staff see the entries for their practice and those open to any practice."""

    list_display = ["client", "technique", "therapist", "status", "created_at"]
    list_filter = ["status", "technique"]
    search_fields = ["client__email", "client__full_name"]
    readonly_fields = ["uid", "client", "created_at"]
    inlines = [WaitlistOfferInline]

    def _scope(self, request, qs):
        if request.user.is_superuser:
            return qs
        return qs.filter(Q(practice__isnull=True) | Q(practice_id=request.user.practice_id))

    def has_add_permission(self, request):
        return False


@admin.register(WaitlistOffer)
class WaitlistOfferAdmin(PracticeScopedAdmin):
    practice_path = "therapist__practice"
    list_display = ["slot_start", "therapist", "entry", "status", "expires_at"]
    list_filter = ["status"]
    readonly_fields = [
        "uid",
        "entry",
        "therapist",
        "service",
        "slot_start",
        "expires_at",
        "status",
        "booking",
        "created_at",
        "responded_at",
    ]
    exclude = ["token"]

    def has_add_permission(self, request):
        return False
