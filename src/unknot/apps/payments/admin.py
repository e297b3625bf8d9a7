from django.contrib import admin

from unknot.apps.payments.models import LedgerEntry, StripeAccount
from unknot.common.admin import PracticeScopedAdmin


@admin.register(LedgerEntry)
class LedgerEntryAdmin(PracticeScopedAdmin):
    """Read-only: a ledger row is never edited or deleted, here or anywhere."""

    list_display = ["created_at", "kind", "method", "amount_minor", "currency", "account", "client"]
    list_filter = ["kind", "method", "currency"]
    search_fields = ["account", "stripe_id", "idempotency_key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StripeAccount)
class StripeAccountAdmin(PracticeScopedAdmin):
    """Shows which mode a practice runs in; the keys are entered on the owner's settings page."""

    list_display = ["practice", "mode", "publishable_key", "updated_at"]
    exclude = ["secret_key", "webhook_secret"]
    readonly_fields = ["publishable_key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
