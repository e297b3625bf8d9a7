"""``{% questions_section therapist %}``: the FAQ and the "Ask a question" form on a profile.

A tag, so the therapists app's profile view needs no change to show them.
"""

from __future__ import annotations

from django import template

from unknot.apps.questions.forms import ask_form
from unknot.apps.questions.selectors import therapist_faq

register = template.Library()


@register.inclusion_tag("questions/partials/profile_section.html", takes_context=True)
def questions_section(context, therapist) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "therapist": therapist,
        "faq": list(therapist_faq(therapist=therapist)),
        "form": ask_form(signed_in=signed_in),
        "signed_in": signed_in,
        "is_self": signed_in and therapist.user_id == user.pk,
    }
