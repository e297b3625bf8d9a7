"""What it takes to sign in to the demo's practice-side accounts.

Two-factor is required for every practice-side account, so each demo build enrols the
administrator, owners, front desk and therapists in an authenticator (TOTP) with a newly
generated secret, and gives each fresh recovery codes. The command prints both: add the key to
any authenticator app, or type one of the single-use recovery codes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from unknot.apps.accounts import two_factor
from unknot.apps.accounts.models import User
from unknot.demo import data


@dataclass(frozen=True)
class SignIn:
    label: str
    email: str
    key: str
    """The authenticator secret in base32 (what an app asks for when typed by hand)."""
    otpauth: str
    recovery_codes: tuple[str, ...]


def _accounts() -> list[tuple[str, str]]:
    accounts = [("administrator", data.SUPERUSER["email"])]
    accounts += [(f"owner, {s['practice']}", s["email"]) for s in data.OWNERS]
    accounts += [(f"front desk, {s['practice']}", s["email"]) for s in data.STAFF]
    accounts += [
        (f"therapist, {s['practice']}", f"{s['slug']}@demo.unknot.test") for s in data.THERAPISTS
    ]
    return accounts


@transaction.atomic
def enrol_demo_accounts() -> list[SignIn]:
    """Give every practice-side demo account a new authenticator secret and recovery codes."""
    sign_ins = []
    for label, email in _accounts():
        user = User.objects.get(email=email)
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user, name=two_factor.APP_DEVICE_NAME, confirmed=True
        )
        codes = two_factor.recovery_codes_renew(user=user)
        sign_ins.append(
            SignIn(
                label=label,
                email=email,
                key=two_factor.manual_key(device),
                otpauth=device.config_url,
                recovery_codes=tuple(codes),
            )
        )
    return sign_ins


def print_sign_ins(write: Callable[[str], None], sign_ins: list[SignIn]) -> None:
    write("Practice-side accounts sign in with the password and a second factor: add the key")
    write("to an authenticator app, or type one of the recovery codes (each works once; every")
    write("`unknot demo` makes new ones).")
    for s in sign_ins:
        write(f"  {s.label}: {s.email}")
        write(f"      authenticator key: {s.key}")
        write(f"      recovery codes:    {' '.join(s.recovery_codes)}")
        write(f"      otpauth:           {s.otpauth}")
