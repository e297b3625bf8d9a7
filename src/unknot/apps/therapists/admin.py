from django.contrib import admin, messages
from django.utils import timezone

from unknot.apps.accounts.models import Role, User
from unknot.apps.accounts.privilege import manages_staff_accounts
from unknot.apps.therapists.models import Certification, Language, Therapist
from unknot.apps.therapists.services import LICENCE_FIELDS, therapist_verify_licence
from unknot.common.admin import PracticeScopedAdmin, ReferenceDataAdmin, scoped_choices


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

    def has_delete_permission(self, request, obj=None):
        """Removing a therapist is staff management: the owner's (or a superuser's)."""
        return super().has_delete_permission(request, obj) and manages_staff_accounts(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            people = scoped_choices(User, request.user)
            people = User.objects.all() if people is None else people
            kwargs["queryset"] = people.filter(role=Role.THERAPIST, is_superuser=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        """A changed licence is an unchecked licence: its verification is cleared."""
        if change and set(form.changed_data) & set(LICENCE_FIELDS):
            obj.licence_verified_at = None
            obj.licence_verified_by = None
        super().save_model(request, obj, form, change)

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
