from django.contrib import admin, messages
from django.utils import timezone

from unknot.apps.therapists.models import Certification, Language, Therapist
from unknot.apps.therapists.services import therapist_verify_licence
from unknot.common.admin import PracticeScopedAdmin, ReferenceDataAdmin


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0


@admin.register(Therapist)
class TherapistAdmin(PracticeScopedAdmin):
    list_display = [
        "display_name",
        "practice",
        "licence_number",
        "licence_expires_on",
        "licence_verified_at",
        "is_active",
    ]
    list_filter = ["practice", "is_active", "techniques", "languages"]
    search_fields = ["display_name", "licence_number", "user__email"]
    filter_horizontal = ["techniques", "languages"]
    readonly_fields = ["uid", "licence_verified_at", "licence_verified_by"]
    prepopulated_fields = {"slug": ["display_name"]}
    inlines = [CertificationInline]
    actions = ["verify_licences"]

    @admin.action(description="Verify the selected therapists' licences")
    def verify_licences(self, request, queryset):
        count = 0
        for therapist in queryset:
            therapist_verify_licence(therapist=therapist, by=request.user, at=timezone.now())
            count += 1
        self.message_user(request, f"Verified {count} licence(s).", messages.SUCCESS)


@admin.register(Language)
class LanguageAdmin(ReferenceDataAdmin):
    list_display = ["name", "code"]


@admin.register(Certification)
class CertificationAdmin(PracticeScopedAdmin):
    practice_path = "therapist__practice"
    list_display = ["title", "therapist", "issuer", "year", "technique"]
    list_filter = ["technique", "year"]
    search_fields = ["title", "issuer", "therapist__display_name"]
