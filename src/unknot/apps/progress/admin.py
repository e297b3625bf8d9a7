"""Back office views of check-ins and reviews: read-only, practice-scoped, audited on opening."""

from __future__ import annotations

from django.contrib import admin

from unknot.apps.progress.models import CheckIn, CheckInReminder, MeasureScore, ReviewSuggestion
from unknot.apps.records.admin import AuditedAdminMixin, ReadOnlyMixin
from unknot.common.admin import PracticeScopedAdmin


class MeasureScoreInline(ReadOnlyMixin, admin.TabularInline):
    model = MeasureScore
    extra = 0
    fields = ["measure", "score", "answers"]
    readonly_fields = fields


@admin.register(CheckIn)
class CheckInAdmin(AuditedAdminMixin, ReadOnlyMixin, PracticeScopedAdmin):
    audit_kind = "checkin"
    list_display = ["uid", "kind", "client", "submitted_at", "via"]
    list_filter = ["kind", "via"]
    inlines = [MeasureScoreInline]


@admin.register(MeasureScore)
class MeasureScoreAdmin(AuditedAdminMixin, ReadOnlyMixin, PracticeScopedAdmin):
    practice_path = "checkin__practice"
    audit_kind = "checkin"
    list_display = ["checkin", "measure"]

    def audit_subject(self, obj):
        return obj.checkin.client

    def record_practice_id(self, request, obj):
        return obj.checkin.practice_id


@admin.register(ReviewSuggestion)
class ReviewSuggestionAdmin(AuditedAdminMixin, ReadOnlyMixin, PracticeScopedAdmin):
    audit_kind = "suggestion"
    list_display = ["created_at", "client", "kind", "status", "decided_by"]
    list_filter = ["kind", "status"]


@admin.register(CheckInReminder)
class CheckInReminderAdmin(ReadOnlyMixin, PracticeScopedAdmin):
    practice_path = "booking__practice"
    list_display = ["booking", "kind", "sent_at"]
