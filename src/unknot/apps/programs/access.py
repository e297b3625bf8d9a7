"""The one door to a program. Deny by default; "not found" rather than "forbidden".

A program is seen by its client, the therapists of its sessions (or the one asked for) and
the staff of its practice. Adjusting it is for those therapists and staff only.
"""

from __future__ import annotations

from django.http import Http404

from unknot.apps.programs.models import Program


def _is_its_therapist(user, program: Program) -> bool:
    if not user.is_therapist:
        return False
    if program.therapist_id and program.therapist.user_id == user.pk:
        return True
    return program.sessions.filter(booking__therapist__user=user).exists()


def is_practice_side(user, program: Program) -> bool:
    """True for the program's therapists, staff of its practice and superusers."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.is_practice_staff:
        return user.practice_id == program.practice_id
    return _is_its_therapist(user, program)


def can_see_program(user, program: Program) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return program.client_id == user.pk or is_practice_side(user, program)


def access_program_by_uid(user, uid: str) -> Program:
    """The program ``uid`` if ``user`` may see it; otherwise Http404."""
    program = (
        Program.objects.select_related("client", "practice", "technique", "service", "therapist")
        .filter(uid=uid)
        .first()
        if uid
        else None
    )
    if program is None or not can_see_program(user, program):
        raise Http404("No such program.")
    return program
