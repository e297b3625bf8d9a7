"""Who may manage whose account: one privilege order, and the rules built on it.

The order, highest first: superuser > owner > front desk > therapist > client. Nobody manages
an account whose privilege is equal to or above their own (not even their own account: the
account page is for that), nobody grants a role or flag at or above their own, and only owners
(and superusers) manage a practice's staff accounts and its security settings. Superusers
belong to no practice and manage every practice.

Every back-office path that reads or writes a person's account (the user list, its change and
delete pages, bulk actions, the reset-link action, form choices) asks these functions.
"""

from __future__ import annotations

import enum

from unknot.apps.accounts.models import Role


class Rank(enum.IntEnum):
    NONE = -1
    CLIENT = 0
    THERAPIST = 1
    FRONT_DESK = 2
    OWNER = 3
    SUPERUSER = 4


ROLE_RANK = {
    Role.CLIENT: Rank.CLIENT,
    Role.THERAPIST: Rank.THERAPIST,
    Role.STAFF: Rank.FRONT_DESK,
    Role.OWNER: Rank.OWNER,
}


def rank_of(user) -> Rank:
    """The account's place in the privilege order (NONE for anonymous or inactive callers)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Rank.NONE
    if user.is_superuser:
        return Rank.SUPERUSER
    return ROLE_RANK.get(user.role, Rank.NONE)


def role_rank(role: str) -> Rank:
    return ROLE_RANK.get(role, Rank.NONE)


def manages_staff_accounts(actor) -> bool:
    """Adding, changing and removing a practice's accounts: owners and superusers only."""
    if not (actor.is_authenticated and actor.is_active and actor.is_staff):
        return False
    if actor.is_superuser:
        return True
    return actor.is_owner and actor.practice_id is not None


def can_manage_account(actor, target) -> bool:
    """May ``actor`` view-to-change, edit, deactivate, delete or reset ``target``?"""
    if not manages_staff_accounts(actor):
        return False
    if target.pk is not None and target.pk == actor.pk:
        return False
    if rank_of(actor) <= _target_rank(target):
        return False
    if actor.is_superuser:
        return True
    return target.practice_id is not None and target.practice_id == actor.practice_id


def _target_rank(target) -> Rank:
    # An inactive account keeps its privilege: deactivating a superuser must not open it up.
    if target.is_superuser:
        return Rank.SUPERUSER
    return ROLE_RANK.get(target.role, Rank.SUPERUSER)


def grantable_roles(actor) -> list[str]:
    """The roles ``actor`` may give an account: those strictly below their own."""
    if not manages_staff_accounts(actor):
        return []
    own = rank_of(actor)
    return [role for role in Role.values if role_rank(role) < own]


def may_grant_flags(actor) -> bool:
    """``is_superuser``, ``is_staff``, groups, permissions and the practice: superusers only
    (an owner's accounts get ``is_staff`` from their role, and always their own practice)."""
    return bool(actor.is_authenticated and actor.is_active and actor.is_superuser)


def manages_security_settings(actor, practice) -> bool:
    """A practice's required two-factor, retention and staff: its owner, or a superuser."""
    if not (actor.is_authenticated and actor.is_active and actor.is_staff):
        return False
    if actor.is_superuser:
        return True
    return actor.is_owner and practice is not None and actor.practice_id == practice.pk


def manageable_accounts(actor, queryset):
    """``queryset`` narrowed to the accounts ``actor`` may manage (the same rule, in SQL)."""
    if not manages_staff_accounts(actor):
        return queryset.none()
    below = [role for role in Role.values if role_rank(role) < rank_of(actor)]
    queryset = queryset.filter(is_superuser=False, role__in=below).exclude(pk=actor.pk)
    if actor.is_superuser:
        return queryset
    return queryset.filter(practice_id=actor.practice_id)
