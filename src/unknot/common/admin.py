"""Admin building blocks: the admin is the staff back office, scoped to the staff's practice."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from unknot.common.forms import ConstraintCheckingModelForm


def is_back_office_user(user) -> bool:
    """Superusers, and practice staff who belong to a practice."""
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or (user.is_practice_staff and user.practice_id is not None)


def _manageable_accounts(user) -> QuerySet:
    from unknot.apps.accounts.models import User
    from unknot.apps.accounts.privilege import manageable_accounts

    return manageable_accounts(user, User.objects.all()).values("pk")


def scoped_choices(model, user) -> QuerySet | None:
    """The rows of ``model`` a practice's staff may pick in a form, or None for no limit.

    Their own practice; rows of a model with a practice, in their practice; people, only those
    of their practice below their own privilege (never a superuser or an owner for the desk).
    Shared reference data (techniques, languages) is not limited.
    """
    from unknot.apps.accounts.models import User
    from unknot.apps.practices.models import Practice

    if user.is_superuser:
        return None
    if model is Practice:
        return Practice.objects.filter(pk=user.practice_id)
    if model is User:
        from unknot.apps.accounts.models import Role
        from unknot.apps.accounts.privilege import rank_of, role_rank

        below = [role for role in Role.values if role_rank(role) < rank_of(user)]
        return User.objects.filter(practice_id=user.practice_id, is_superuser=False, role__in=below)
    if hasattr(model, "practice"):
        return model._default_manager.filter(practice_id=user.practice_id)
    return None


class PracticeScopedAdmin(admin.ModelAdmin):
    """Shows and edits only the rows of the signed-in staff member's practice.

    ``practice_path`` is the lookup from the model to its Practice ("practice" or, for a child
    row, e.g. "therapist__practice"). Superusers see every practice.

    ``account_path`` (e.g. "user") marks rows that belong to one person's account (API tokens,
    calendar feeds): they are shown only when the signed-in person may manage that account
    (``accounts.privilege``), so nobody reaches the credentials of an equal or higher account.
    """

    practice_path = "practice"
    account_path: str | None = None
    form = ConstraintCheckingModelForm

    def _scope(self, request: HttpRequest, qs: QuerySet) -> QuerySet:
        if self.account_path:
            qs = qs.filter(**{f"{self.account_path}__in": _manageable_accounts(request.user)})
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.practice_path}_id": request.user.practice_id})

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self._scope(request, super().get_queryset(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_back_office_user(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_back_office_user(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_back_office_user(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_back_office_user(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_back_office_user(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = scoped_choices(db_field.remote_field.model, request.user)
        if queryset is not None and "queryset" not in kwargs:
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        queryset = scoped_choices(db_field.remote_field.model, request.user)
        if queryset is not None and "queryset" not in kwargs:
            kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        if (
            not request.user.is_superuser
            and self.practice_path == "practice"
            and hasattr(obj, "practice_id")
        ):
            obj.practice_id = request.user.practice_id
        super().save_model(request, obj, form, change)

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if not request.user.is_superuser and self.practice_path == "practice":
            exclude.append("practice")
        return exclude


class ReferenceDataAdmin(admin.ModelAdmin):
    """Shared reference data: every back-office user may read it, only superusers change it."""

    form = ConstraintCheckingModelForm

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_back_office_user(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_back_office_user(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser
