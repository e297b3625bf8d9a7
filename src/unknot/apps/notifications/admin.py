from django.contrib import admin, messages
from django.utils import timezone

from unknot.apps.notifications.models import CalendarFeed, DeliveryStatus, SentNotification
from unknot.apps.notifications.tasks import enqueue_from_record
from unknot.common.admin import PracticeScopedAdmin


@admin.register(SentNotification)
class SentNotificationAdmin(PracticeScopedAdmin):
    """The email log: read-only, with a way to send a failed email again."""

    list_display = ["kind", "object_uid", "sequence", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["object_uid", "recipient"]
    readonly_fields = [f.name for f in SentNotification._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Send the selected failed emails again")
    def send_again(self, request, queryset):
        queued = 0
        for record in queryset.exclude(status=DeliveryStatus.SENT):
            queued += int(enqueue_from_record(record))
        messages.info(request, f"{queued} email(s) queued again.")


@admin.register(CalendarFeed)
class CalendarFeedAdmin(PracticeScopedAdmin):
    """Calendar subscriptions. The token is never shown here; staff can only turn feeds off."""

    practice_path = "user__practice"
    account_path = "user"
    list_display = ["user", "created_at", "last_fetched_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__email"]
    fields = ["user", "created_at", "last_fetched_at", "revoked_at"]
    readonly_fields = ["user", "created_at", "last_fetched_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Turn the selected calendar feeds off")
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        messages.info(request, f"{count} feed(s) turned off.")
