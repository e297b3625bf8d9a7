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


class PracticeScopedAdmin(admin.ModelAdmin):
    """Shows and edits only the rows of the signed-in staff member's practice.

    ``practice_path`` is the lookup from the model to its Practice ("practice" or, for a child
    row, e.g. "therapist__practice"). Superusers see every practice.
    """

    practice_path = "practice"
    form = ConstraintCheckingModelForm

    def _scope(self, request: HttpRequest, qs: QuerySet) -> QuerySet:
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
        from unknot.apps.practices.models import Practice

        user = request.user
        if not user.is_superuser:
            model = db_field.remote_field.model
            if model is Practice:
                kwargs["queryset"] = Practice.objects.filter(pk=user.practice_id)
            elif hasattr(model, "practice"):
                kwargs["queryset"] = model._default_manager.filter(practice_id=user.practice_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

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
