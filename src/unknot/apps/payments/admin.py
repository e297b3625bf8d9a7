from django.contrib import admin

from unknot.apps.payments.models import LedgerEntry, Payment, StripeAccount, WebhookEvent
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


@admin.register(Payment)
class PaymentAdmin(PracticeScopedAdmin):
    """Read-only: a payment changes only through Stripe's answers."""

    list_display = ["created_at", "purpose", "amount_minor", "currency", "status", "client"]
    list_filter = ["purpose", "status"]
    search_fields = ["stripe_payment_intent"]
    exclude = ["client_secret"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WebhookEvent)
class WebhookEventAdmin(PracticeScopedAdmin):
    list_display = ["received_at", "type", "event_id"]
    list_filter = ["type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
