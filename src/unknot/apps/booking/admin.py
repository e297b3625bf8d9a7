from django.contrib import admin, messages
from django.utils import timezone

from unknot.apps.booking.errors import BookingError
from unknot.apps.booking.models import (
    Booking,
    BookingEvent,
    BookingStatus,
    DateOverride,
    TimeOff,
    WorkingHours,
)
from unknot.apps.booking.services import booking_record_clearance
from unknot.apps.records.admin import AuditedAdminMixin
from unknot.common.admin import PracticeScopedAdmin


@admin.register(WorkingHours)
class WorkingHoursAdmin(PracticeScopedAdmin):
    practice_path = "therapist__practice"
    list_display = ["therapist", "weekday", "start_time", "end_time"]
    list_filter = ["weekday", "therapist"]


@admin.register(DateOverride)
class DateOverrideAdmin(PracticeScopedAdmin):
    practice_path = "therapist__practice"
    list_display = ["therapist", "date", "start_time", "end_time", "note"]
    list_filter = ["therapist"]
    date_hierarchy = "date"


@admin.register(TimeOff)
class TimeOffAdmin(PracticeScopedAdmin):
    practice_path = "therapist__practice"
    list_display = ["therapist", "starts_at", "ends_at", "reason"]
    list_filter = ["therapist"]


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "at", "by", "data"]

    def has_add_permission(self, request, obj=None):
        return False


class BookingEventSummaryInline(BookingEventInline):
    """The history without its data (a clearance's note, a cancellation's reason)."""

    fields = ["kind", "at", "by"]
    readonly_fields = fields


@admin.register(Booking)
class BookingAdmin(AuditedAdminMixin, PracticeScopedAdmin):
    """Bookings are changed through the booking services only; the admin reads and acts.

    Its health details (client note, safety snapshot, clearance note) show only to those the
    health-record rule lets in, audited; the front desk sees the operational rest.
    """

    audit_kind = "booking-health"
    health_fields = ("client_note", "safety", "clearance_note")

    list_display = [
        "starts_at",
        "technique",
        "therapist",
        "room",
        "client",
        "status",
        "needs_clearance",
        "late_cancellation",
    ]
    list_filter = ["status", "needs_clearance", "technique", "therapist", "late_cancellation"]
    search_fields = ["uid", "client__email", "client__full_name", "therapist__display_name"]
    date_hierarchy = "starts_at"
    inlines = [BookingEventInline]
    actions = ["record_clearance"]
    readonly_fields = [f.name for f in Booking._meta.fields]

    def get_inlines(self, request, obj):
        if obj is not None and not self.health_decision(request, obj).allowed:
            return [BookingEventSummaryInline]
        return super().get_inlines(request, obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Record medical clearance (confirms pending bookings)")
    def record_clearance(self, request, queryset):
        done = 0
        for booking in queryset.filter(status=BookingStatus.PENDING, needs_clearance=True):
            try:
                booking_record_clearance(
                    booking=booking,
                    by=request.user,
                    now=timezone.now(),
                    note=f"Clearance recorded in the back office by {request.user.email}.",
                )
                done += 1
            except BookingError as error:
                self.message_user(request, f"{booking}: {error.message}", messages.ERROR)
        self.message_user(request, f"Recorded clearance for {done} booking(s).", messages.SUCCESS)


@admin.register(BookingEvent)
class BookingEventAdmin(PracticeScopedAdmin):
    practice_path = "booking__practice"
    list_display = ["booking", "kind", "at", "by"]
    list_filter = ["kind"]
    readonly_fields = ["booking", "kind", "at", "by", "data"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
