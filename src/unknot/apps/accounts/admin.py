"""People in the back office: owners manage their practice's accounts below their own rank.

Every path (the list, the change and delete pages, bulk actions, form choices) asks
``accounts.privilege``. Nobody types a password for somebody else: the password form is
gone, new accounts start without a usable password, and a reset link is sent instead.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import Http404

from unknot.apps.accounts import privilege
from unknot.apps.accounts.credentials import password_reset_link_send
from unknot.apps.accounts.models import (
    PRACTICE_MEMBER_ROLES,
    PRACTICE_STAFF_ROLES,
    ApiToken,
    SignUpRequest,
    User,
)
from unknot.common.admin import PracticeScopedAdmin, is_back_office_user

FLAG_FIELDS = ("is_staff", "groups", "practice")
"""Fields only a superuser sets: the admin flag, groups and the practice. ``is_superuser`` is
set by nobody here (it is at every actor's own level): ``unknot createsuperuser`` makes them."""


class PracticeRequiredMixin:
    """Therapists, front desk and owners belong to a practice: say so in the form, not a 500."""

    def clean(self):
        cleaned = super().clean()
        if (
            "practice" in self.fields
            and cleaned.get("role") in PRACTICE_MEMBER_ROLES
            and not cleaned.get("practice")
            and not self.instance.is_superuser
        ):
            self.add_error("practice", "Therapists and staff must belong to a practice.")
        return cleaned


class UserCreateForm(PracticeRequiredMixin, forms.ModelForm):
    """A new account: who and which role. No password: its person chooses one by link."""

    class Meta:
        model = User
        fields = ["email", "full_name", "role", "practice"]

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()


class UserEditForm(PracticeRequiredMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = [
            "email",
            "full_name",
            "role",
            "practice",
            "is_active",
            "is_staff",
            "groups",
        ]


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
        (None, {"fields": ["uid", "email"]}),
        ("Person", {"fields": ["full_name", "role", "practice"]}),
        ("Access", {"fields": ["is_active", "is_staff", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "role", "practice"]}),
    ]
    filter_horizontal = ["groups"]
    actions = ["send_password_reset_link"]

    # --- who sees and manages which account ----------------------------------------------

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        return privilege.manageable_accounts(request.user, qs)

    def has_module_permission(self, request):
        return is_back_office_user(request.user) and privilege.manages_staff_accounts(request.user)

    def _may(self, request, obj) -> bool:
        if not is_back_office_user(request.user):
            return False
        if obj is None:
            return privilege.manages_staff_accounts(request.user)
        return privilege.can_manage_account(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_add_permission(self, request):
        return self._may(request, None)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj)

    def user_change_password(self, request, id, form_url=""):
        """Nobody types a password for someone else: send them a reset link instead."""
        raise Http404("Passwords are reset by link: use the action “Send a password-reset link”.")

    # --- the forms ------------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        sets = super().get_fieldsets(request, obj)
        if privilege.may_grant_flags(request.user):
            return sets
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in FLAG_FIELDS]})
            for name, opts in sets
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        role = form.base_fields.get("role")
        if role is not None:
            allowed = set(privilege.grantable_roles(request.user))
            role.choices = [(value, label) for value, label in role.choices if value in allowed]
        return form

    def get_exclude(self, request, obj=None):
        return None

    def save_model(self, request, obj, form, change):
        actor = request.user
        if not privilege.may_grant_flags(actor):
            obj.practice_id = actor.practice_id
            obj.is_staff = obj.role in PRACTICE_STAFF_ROLES
        if privilege.role_rank(obj.role) >= privilege.rank_of(actor) or obj.is_superuser:
            raise Http404("No such role for you to give.")
        if not change:
            obj.set_unusable_password()
        admin.ModelAdmin.save_model(self, request, obj, form, change)
        if not change:
            password_reset_link_send(user=obj, by=actor, new_account=True)

    @admin.action(description="Send a password-reset link")
    def send_password_reset_link(self, request, queryset):
        sent = 0
        for user in queryset:
            if privilege.can_manage_account(request.user, user):
                password_reset_link_send(user=user, by=request.user)
                sent += 1
        self.message_user(
            request, f"Sent a password-reset link to {sent} person(s).", messages.INFO
        )


@admin.register(ApiToken)
class ApiTokenAdmin(PracticeScopedAdmin):
    """Read-only: a token can be revoked (the action), never un-revoked or extended."""

    practice_path = "user__practice"
    account_path = "user"
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
