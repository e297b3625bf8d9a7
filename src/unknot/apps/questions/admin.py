from django.contrib import admin

from unknot.apps.questions.models import Question
from unknot.common.admin import PracticeScopedAdmin


@admin.register(Question)
class QuestionAdmin(PracticeScopedAdmin):
    """Questions to the practice's therapists. Staff may moderate (dismiss, unpublish)."""

    practice_path = "therapist__practice"
    list_display = ["uid", "therapist", "asker_display", "status", "published_at", "created_at"]
    list_filter = ["status", "topic", "therapist"]
    search_fields = ["uid", "body", "asker_email"]
    readonly_fields = [
        "uid",
        "therapist",
        "asker",
        "asker_email",
        "asker_name",
        "topic",
        "body",
        "consent_to_publish",
        "answer",
        "answered_at",
        "created_at",
        "updated_at",
    ]
    fields = readonly_fields[:10] + ["status", "published_at"] + readonly_fields[10:]

    def has_add_permission(self, request):
        return False
