"""Back office views of records: read-only, scoped to the practice, and audited on opening.

Notes, consents and the audit log are never edited here: notes are written by the session's
therapist, consents by the client, and the audit log by the system.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import Http404, HttpRequest
from django.utils import timezone

from unknot.apps.practices.models import Practice
from unknot.apps.records import audit
from unknot.apps.records.health_access import decide_client_record_read
from unknot.apps.records.models import (
    AccessGrant,
    AccountClosure,
    AuditEntry,
    Consent,
    NoteTemplate,
    RetentionHold,
    SessionNote,
    SessionNoteVersion,
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
    """Health records in the admin go through the same rule as every other door
    (``health_access``): opening one is allowed to the client's treating therapists, the
    practice owner or a break-glass read, and written to the audit log with its reason.

    Without ``health_fields`` a refused reader gets 404; with them, the page opens without those
    fields (a booking's time and status are operational, its client note is not).
    """

    audit_kind = "record"
    health_fields: tuple[str, ...] = ()

    def audit_subject(self, obj):
        return obj.client

    def record_practice_id(self, request, obj):
        return obj.practice_id

    def health_decision(self, request, obj):
        cache = request.__dict__.setdefault("_health_decisions", {})
        key = (type(obj).__name__, obj.pk)
        if key not in cache:
            cache[key] = decide_client_record_read(
                request.user,
                self.audit_subject(obj),
                practice_id=self.record_practice_id(request, obj),
                now=timezone.now(),
            )
        return cache[key]

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if (
            obj is not None
            and self.health_fields
            and not self.health_decision(request, obj).allowed
        ):
            fields = [f for f in fields if f not in self.health_fields]
        return fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        decision = self.health_decision(request, obj) if obj is not None else None
        if decision is not None and not decision.allowed and not self.health_fields:
            raise Http404("No such record.")
        response = super().change_view(request, object_id, form_url, extra_context)
        if decision is not None and decision.allowed and response.status_code == 200:
            practice_id = self.record_practice_id(request, obj)
            audit.health_read(
                actor=request.user,
                client=self.audit_subject(obj),
                kind=self.audit_kind,
                uid=getattr(obj, "uid", ""),
                via="admin",
                practice=Practice.objects.filter(pk=practice_id).first() if practice_id else None,
                reason=decision.reason,
            )
        return response


class SessionNoteVersionInline(ReadOnlyMixin, admin.TabularInline):
    """Every signed version of the note, read-only: who, when, why and what changed."""

    model = SessionNoteVersion
    extra = 0
    can_delete = False
    fields = ["number", "kind", "author_name", "recorded_at", "late", "reason", "changed"]
    readonly_fields = fields


@admin.register(SessionNote)
class SessionNoteAdmin(AuditedAdminMixin, ReadOnlyMixin, PracticeScopedAdmin):
    audit_kind = "note"
    list_display = ["booking", "client", "author", "signed_at", "version", "late", "created_at"]
    list_filter = ["late"]
    exclude = ["client_summary", "content_hash"]
    inlines = [SessionNoteVersionInline]
    readonly_fields = [
        "uid",
        "booking",
        "client",
        "author",
        "signed_at",
        "version",
        "late",
        "subjective",
        "objective",
        "assessment",
        "plan",
        "pressure_used",
        "finding_regions",
        "findings",
        "summary_shared_at",
    ]


@admin.register(NoteTemplate)
class NoteTemplateAdmin(PracticeScopedAdmin):
    """The practice's starting text per technique, pre-filled when a therapist starts a note."""

    list_display = ["name", "technique", "practice"]
    list_filter = ["technique"]


@admin.register(SessionNoteVersion)
class SessionNoteVersionAdmin(AuditedAdminMixin, ReadOnlyMixin, PracticeScopedAdmin):
    """A signed version on its own, read-only (the note's page lists them all)."""

    audit_kind = "note"
    list_display = ["note", "number", "kind", "author_name", "recorded_at", "late"]
    exclude = ["client_summary", "content_hash"]

    def audit_subject(self, obj):
        return obj.note.client

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in self.exclude]


@admin.register(AccessGrant)
class AccessGrantAdmin(ReadOnlyMixin, PracticeScopedAdmin):
    """Break-glass reads and records requests of the practice: who, about whom, why, until when.
    Never made or changed here (``records.grants``)."""

    list_display = ["granted_at", "kind", "actor", "client", "expires_at"]
    list_filter = ["kind"]
    readonly_fields = ["kind", "actor", "client", "practice", "reason", "granted_at", "expires_at"]


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
