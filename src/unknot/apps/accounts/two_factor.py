"""Two-factor sign-in for therapists and staff: TOTP (an authenticator app) plus recovery codes.

Policy (``required``, the one place it is decided): superusers, owners and front desk must
always sign in with a second factor; therapists too, unless their practice's owner has turned
``require_two_factor`` off (it is on by default). Whoever has set one up confirms it at sign-in.
Clients do not use two-factor. Devices are django-otp's: one TOTPDevice and one StaticDevice
(recovery codes) per person.
"""

from __future__ import annotations

import enum

import segno
from django.db import transaction
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from unknot.apps.accounts.models import User

RECOVERY_CODES = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


class TwoFactorRequired(Exception):
    """The action needs a verified second factor, which this request does not carry."""


class Step(enum.Enum):
    """What a signed-in person must do before using the site."""

    NONE = "none"
    VERIFY = "verify"
    SET_UP = "set_up"


def is_practice_side(user) -> bool:
    return bool(user.is_authenticated and (user.is_practice_member or user.is_staff))


def required(user) -> bool:
    """Must ``user`` have (and confirm) a second factor? The whole policy, in one place."""
    if not is_practice_side(user):
        return False
    if user.is_superuser or user.is_practice_staff:
        return True
    if user.practice_id is None:
        return True
    return bool(user.practice.require_two_factor)


def required_by_practice(user) -> bool:
    """Kept for callers of the old name: the policy is ``required``."""
    return required(user)


def has_second_factor(user) -> bool:
    return is_practice_side(user) and user_has_device(user, confirmed=True)


def pending_step(user) -> Step:
    """The step a signed-in, not yet verified person owes (NONE for verified sessions)."""
    if not is_practice_side(user):
        return Step.NONE
    if getattr(user, "is_verified", None) and user.is_verified():
        return Step.NONE
    if has_second_factor(user):
        return Step.VERIFY
    if required(user):
        return Step.SET_UP
    return Step.NONE


def needs_second_factor(user) -> bool:
    """True when a sign-in with only a password is not enough for ``user``."""
    return has_second_factor(user) or required(user)


# --- setting up ------------------------------------------------------------------------------


def app_device(user: User, *, confirmed: bool) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()


def pending_app_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up, created on first use."""
    device = app_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an inline SVG QR code, drawn here (no outside service)."""
    return segno.make(device.config_url, micro=False).svg_inline(
        scale=5, dark="#000", light="#fff", border=2, title="QR code for your authenticator app"
    )


def manual_key(device: TOTPDevice) -> str:
    """The shared secret in base32, in groups of four, for typing into an app by hand."""
    import base64

    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _clean(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def app_device_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm ``device`` with a code from the app; return fresh recovery codes, or None."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token(_clean(code)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return recovery_codes_renew(user=user)


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """Replace the recovery codes with new ones; each works once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def second_factor_remove(*, user: User) -> None:
    if required(user):
        raise TwoFactorRequired("Two-factor sign-in is required for your account.")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


# --- signing in ------------------------------------------------------------------------------


class Outcome(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    THROTTLED = "throttled"


def verify_code(*, user: User, code: str):
    """Check ``code`` against the app, then the recovery codes. Returns (Outcome, device)."""
    code = _clean(code)
    if not code:
        return Outcome.WRONG, None
    throttled = False
    with transaction.atomic():
        devices = [
            *TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True),
            *StaticDevice.objects.select_for_update().filter(user=user, confirmed=True),
        ]
        for device in devices:
            is_app = isinstance(device, TOTPDevice)
            if is_app != code.isdigit():
                continue
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            if device.verify_token(code):
                return Outcome.OK, device
    return (Outcome.THROTTLED if throttled else Outcome.WRONG), None
