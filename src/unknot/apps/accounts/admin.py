from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from unknot.apps.accounts.models import ApiToken, SignUpRequest, User
from unknot.common.admin import PracticeScopedAdmin


class UserCreateForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "role"]


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(PracticeScopedAdmin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "practice", "is_active"]
    list_filter = ["role", "is_active", "practice"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["uid", "date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["uid", "email", "password"]}),
        ("Person", {"fields": ["full_name", "role", "practice"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "role", "password1", "password2"],
            },
        ),
    ]
    filter_horizontal = ["groups"]

    def get_fieldsets(self, request, obj=None):
        sets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return sets
        # Practice staff manage people in their practice but never hand out superuser rights.
        return [
            (
                name,
                {
                    **opts,
                    "fields": [
                        f for f in opts["fields"] if f not in ("is_superuser", "groups", "practice")
                    ],
                },
            )
            for name, opts in sets
        ]

    def get_exclude(self, request, obj=None):
        return None

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.practice_id = request.user.practice_id
        admin.ModelAdmin.save_model(self, request, obj, form, change)


@admin.register(ApiToken)
class ApiTokenAdmin(PracticeScopedAdmin):
    """Read-only: a token can be revoked (the action), never un-revoked or extended."""

    practice_path = "user__practice"
    list_display = [
        "name",
        "prefix",
        "user",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    fields = [
        "uid",
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        from django.utils import timezone

        from unknot.apps.accounts.services import api_tokens_revoke

        count = api_tokens_revoke(tokens=queryset, now=timezone.now())
        self.message_user(request, f"{count} token(s) revoked.")


@admin.register(SignUpRequest)
class SignUpRequestAdmin(admin.ModelAdmin):
    """Sign-ups waiting for their email link: belong to no practice, so superusers only, and
    read-only (the hashed password is never shown)."""

    list_display = ["email", "created_at", "used_at"]
    fields = ["uid", "email", "full_name", "created_at", "used_at"]
    readonly_fields = fields
    search_fields = ["email"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
