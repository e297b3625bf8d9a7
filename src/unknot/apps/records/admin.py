"""Back office views of records: read-only, scoped to the practice, and audited on opening.

Notes, consents and the audit log are never edited here: notes are written by the session's
therapist, consents by the client, and the audit log by the system.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from unknot.apps.records import audit
from unknot.apps.records.models import (
    AccountClosure,
    AuditEntry,
    Consent,
    RetentionHold,
    SessionNote,
)
from unknot.common.admin import PracticeScopedAdmin, is_back_office_user


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class AuditedAdminMixin:
    """Opening one health record in the admin writes an audit entry, like any other door."""

    audit_kind = "record"

    def audit_subject(self, obj):
        return obj.client

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, object_id)
        if obj is not None and request.method == "GET" and response.status_code == 200:
            audit.viewed(
                request.user,
                self.audit_subject(obj),
                self.audit_kind,
                getattr(obj, "uid", ""),
                via="admin",
                practice=getattr(obj, "practice", None),
            )
        return response


@admin.register(SessionNote)
class SessionNoteAdmin(AuditedAdminMixin, ReadOnlyMixin, PracticeScopedAdmin):
    audit_kind = "note"
    list_display = ["booking", "client", "author", "created_at"]
    exclude = ["client_summary"]
    readonly_fields = [
        "uid",
        "booking",
        "client",
        "author",
        "subjective",
        "objective",
        "assessment",
        "plan",
        "pressure_used",
        "finding_regions",
        "findings",
        "summary_shared_at",
    ]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyMixin, PracticeScopedAdmin):
    list_display = ["at", "actor_label", "action", "record_kind", "subject", "via"]
    list_filter = ["action", "record_kind", "via"]
    date_hierarchy = "at"


class ClientScopedAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Rows about a client: staff see those of clients who booked at their practice."""

    client_path = "user"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(
            **{f"{self.client_path}__bookings__practice_id": request.user.practice_id}
        ).distinct()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_back_office_user(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_back_office_user(request.user)


@admin.register(Consent)
class ConsentAdmin(ClientScopedAdmin):
    list_display = ["user", "kind", "granted", "wording_version", "recorded_at", "via"]
    list_filter = ["kind", "granted"]


@admin.register(AccountClosure)
class AccountClosureAdmin(ClientScopedAdmin):
    list_display = ["closed_at", "health_records_erased_at"]


@admin.register(RetentionHold)
class RetentionHoldAdmin(ReadOnlyMixin, PracticeScopedAdmin):
    list_display = ["practice", "keep_until", "purged_at"]
