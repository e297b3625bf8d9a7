"""Small builders for test data, shared by the fixtures and the tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from unknot.apps.accounts.models import Role, User
from unknot.apps.practices.models import Practice, Technique
from unknot.apps.therapists.models import Language, Therapist

PASSWORD = "a-Strong-pass-2026"


def make_therapist(
    practice: Practice,
    slug: str,
    *,
    techniques: tuple[str, ...] = ("swedish",),
    languages: tuple[str, ...] = ("en",),
    verified: bool = True,
    expires_in_days: int = 365,
) -> Therapist:
    user = User.objects.create_user(
        email=f"{slug}@example.test",
        password=PASSWORD,
        full_name=slug.replace("-", " ").title(),
        role=Role.THERAPIST,
        practice=practice,
    )
    therapist = Therapist.objects.create(
        user=user,
        practice=practice,
        slug=slug,
        display_name=user.full_name,
        licence_number=f"LIC-{slug}",
        licence_jurisdiction="United Kingdom",
        licence_expires_on=timezone.localdate() + dt.timedelta(days=expires_in_days),
        licence_verified_at=timezone.now() if verified else None,
        years_in_practice=5,
    )
    therapist.techniques.set(Technique.objects.filter(slug__in=techniques))
    for code in languages:
        language, _ = Language.objects.get_or_create(code=code, defaults={"name": code.upper()})
        therapist.languages.add(language)
    return therapist


def verify_second_factor(client, user: User) -> None:
    """Mark ``client``'s signed-in session as having passed its second factor, when ``user``
    owes one: a confirmed authenticator (made if missing), recorded the way django-otp's own
    ``login`` does."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from unknot.apps.accounts import two_factor

    if not (two_factor.required(user) or two_factor.has_second_factor(user)):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def make_assessment(client: User, **overrides):
    """Save an assessment for ``client`` from a default healthy intake plus ``overrides``."""
    from unknot.apps.guide.models import SavedAssessment
    from unknot.domain.guide import assess, parse_intake

    intake = {
        "symptoms": ["tight-back"],
        "regions": ["lower-back"],
        "pain": {"intensity": 4, "duration_weeks": 20},
        "goals": ["back-pain-relief", "relaxation"],
        "preferences": {"focus": "either", "pressure_tolerance": 4, "stay_clothed": False},
        "health": {"conditions": [], "anticoagulants": False, "red_flags": []},
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(intake.get(key), dict):
            intake[key] = {**intake[key], **value}
        else:
            intake[key] = value
    result = assess(parse_intake(intake))
    return SavedAssessment.objects.create(
        client=client,
        intake=intake,
        result=result.to_dict(),
        status=result.status.value,
        catalogue_version=result.catalogue_version,
    )


def add_weekday_hours(therapist: Therapist, start=dt.time(9), end=dt.time(17)) -> None:
    from unknot.apps.booking.models import WorkingHours

    for weekday in range(5):
        WorkingHours.objects.create(
            therapist=therapist, weekday=weekday, start_time=start, end_time=end
        )


def link_in_last_email(pattern: str = r"https?://\S+") -> str:
    """The path of the (first) link in the last email sent (locmem outbox)."""
    import re
    from urllib.parse import urlparse

    from django.core import mail

    url = re.search(pattern, mail.outbox[-1].body).group(0)
    return urlparse(url).path


def finish_sign_up(client) -> object:
    """Open the sign-up link from the last email and press its button, as the person would."""
    path = link_in_last_email()
    assert client.get(path).status_code == 200
    return client.post(path)


def reauthenticate(client, *, password: str = PASSWORD, code: str = "") -> object:
    """Confirm it is you on the re-authentication page (fresh for UNKNOT_REAUTH_MINUTES)."""
    from django.urls import reverse

    data = {"password": password, **({"otp_code": code} if code else {})}
    return client.post(reverse("accounts:reauth"), data)
