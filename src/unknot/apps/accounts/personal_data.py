"""What the accounts app and its libraries hold about a person (``records.registry``).

API tokens and two-factor devices (metadata only: never a token's hash or a device's key),
sign-in sessions, the sign-in log of django-axes (keyed by the email typed, with the address
and browser used) and the back office's change log. At closure the credentials go; the logs
stay for security and accountability, with every identifier replaced by the pseudonym.
"""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import Q
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from unknot.apps.accounts.models import ApiToken, SignUpRequest
from unknot.apps.records.registry import (
    PersonalData,
    not_personal,
    register,
    replace_ignoring_case,
)

DEVICES = (TOTPDevice, StaticDevice)


def _iso(value):
    return value.isoformat() if value is not None else None


def _pseudonym(user) -> str:
    from unknot.apps.records.services import pseudonym

    return pseudonym(user)


# --- API tokens and two-factor devices ----------------------------------------------------


def export_tokens(user) -> list[dict]:
    """What tells the tokens apart and when they were used; never the secret or its hash."""
    rows = []
    for t in ApiToken.objects.filter(user=user).order_by("created_at", "id"):
        row = {
            "starts_with": t.prefix,
            "created_at": _iso(t.created_at),
            "last_used_at": _iso(t.last_used_at),
            "revoked_at": _iso(t.revoked_at),
        }
        for extra in ("name", "expires_at"):  # fields the token page may add
            if hasattr(t, extra):
                value = getattr(t, extra)
                row[extra] = _iso(value) if isinstance(value, dt.datetime) else value
        rows.append(row)
    return rows


def close_tokens(user, *, email: str, now: dt.datetime) -> int:
    return ApiToken.objects.filter(user=user).delete()[0]


def _sign_ups(email: str):
    return SignUpRequest.objects.filter(email__iexact=email)


def export_sign_ups(user) -> list[dict]:
    """The sign-up requests made with this address: when, and whether the link was opened."""
    return [
        {"requested_at": _iso(r.created_at), "used_at": _iso(r.used_at)}
        for r in _sign_ups(user.email).order_by("created_at", "id")
    ]


def close_sign_ups(user, *, email: str, now: dt.datetime) -> int:
    return _sign_ups(email).delete()[0]


def export_devices(user) -> list[dict]:
    return [
        {
            "kind": "authenticator app" if model is TOTPDevice else "recovery codes",
            "name": d.name,
            "confirmed": d.confirmed,
            "created_at": _iso(d.created_at),
            "last_used_at": _iso(d.last_used_at),
        }
        for model in DEVICES
        for d in model.objects.filter(user=user).order_by("id")
    ]


def close_devices(user, *, email: str, now: dt.datetime) -> int:
    return sum(model.objects.filter(user=user).delete()[0] for model in DEVICES)


# --- sign-in sessions ---------------------------------------------------------------------


def _sessions_of(user) -> list[Session]:
    pk = str(user.pk)
    return [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == pk]


def export_sessions(user) -> list[dict]:
    return [{"signed_in_until": _iso(s.expire_date)} for s in _sessions_of(user)]


def close_sessions(user, *, email: str, now: dt.datetime) -> int:
    """Signed out everywhere: every stored session of the account goes."""
    keys = [s.session_key for s in _sessions_of(user)]
    return Session.objects.filter(session_key__in=keys).delete()[0]


# --- the sign-in log ----------------------------------------------------------------------

SIGN_IN_LOGS = (AccessLog, AccessFailureLog)


def _typed(model, email: str):
    return model.objects.filter(username__iexact=email) if email else model.objects.none()


def export_sign_ins(user) -> list[dict]:
    rows = [
        {
            "at": _iso(r.attempt_time),
            "succeeded": model is AccessLog,
            "signed_out_at": _iso(getattr(r, "logout_time", None)),
            "from_address": r.ip_address,
            "browser": r.user_agent,
            "page": r.path_info,
        }
        for model in SIGN_IN_LOGS
        for r in _typed(model, user.email)
    ]
    return sorted(rows, key=lambda r: r["at"] or "")


def close_sign_ins(user, *, email: str, now: dt.datetime) -> int:
    """The log keeps when and where (which page); who, from which address and browser go."""
    name = _pseudonym(user)
    count = AccessLog.objects.filter(username__iexact=email).update(
        username=name, ip_address=None, user_agent="", http_accept="", session_hash=""
    )
    count += AccessFailureLog.objects.filter(username__iexact=email).update(
        username=name, ip_address=None, user_agent="", http_accept=""
    )
    # Failure counters are throttling state; a closed account has no password to guess.
    count += AccessAttempt.objects.filter(username__iexact=email).delete()[0]
    return count


# --- the back office's change log ---------------------------------------------------------


def _admin_entries(user, email: str):
    mentions = Q(object_repr__icontains=email) | Q(change_message__icontains=email)
    if user.full_name.strip():
        name = user.full_name.strip()
        mentions |= Q(object_repr__contains=name) | Q(change_message__contains=name)
    about = Q(content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk))
    return LogEntry.objects.filter(about | mentions)


def export_account_changes(user) -> list[dict]:
    entries = _admin_entries(user, user.email).filter(
        content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk)
    )
    return [
        {"at": _iso(e.action_time), "what": e.get_change_message() or str(e)}
        for e in entries.order_by("action_time", "id")
    ]


def close_account_changes(user, *, email: str, now: dt.datetime) -> int:
    name = _pseudonym(user)
    words = [w for w in (email, user.full_name.strip()) if w]
    count = 0
    for entry in _admin_entries(user, email):
        repr_, message = entry.object_repr, entry.change_message
        for word in words:
            repr_ = replace_ignoring_case(repr_, word, name)
            message = replace_ignoring_case(message, word, name)
        if entry.content_type.model_class() is type(user) and entry.object_id == str(user.pk):
            repr_ = name
        entry.object_repr, entry.change_message = repr_[:200], message
        entry.save(update_fields=["object_repr", "change_message"])
        count += 1
    return count


def register_accounts() -> None:
    register(
        PersonalData(
            "api_tokens",
            "Your API tokens (what tells them apart, never the secret)",
            export_tokens,
            on_close=close_tokens,
            models=("accounts.ApiToken",),
            erased="your API tokens",
        )
    )
    register(
        PersonalData(
            "sign_up_requests",
            "The sign-ups asked for with your email address",
            export_sign_ups,
            on_close=close_sign_ups,
            models=("accounts.SignUpRequest",),
            erased="the sign-up requests made with your email address",
        )
    )
    register(
        PersonalData(
            "two_factor_devices",
            "Your two-factor devices",
            export_devices,
            on_close=close_devices,
            models=("otp_totp.TOTPDevice", "otp_static.StaticDevice"),
            erased="your two-factor devices and recovery codes",
        )
    )
    register(
        PersonalData(
            "signed_in_sessions",
            "Where you are signed in",
            export_sessions,
            on_close=close_sessions,
            models=("sessions.Session",),
            erased="your sign-in sessions, on every device",
        )
    )
    register(
        PersonalData(
            "sign_in_history",
            "Your sign-in history",
            export_sign_ins,
            on_close=close_sign_ins,
            models=("axes.AccessLog", "axes.AccessFailureLog", "axes.AccessAttempt"),
            pseudonymised=(
                "the sign-in log (kept for security), with the email address typed, the IP "
                "address and the browser removed"
            ),
        )
    )
    register(
        PersonalData(
            "account_changes",
            "Changes made to your account in the back office",
            export_account_changes,
            on_close=close_account_changes,
            models=("admin.LogEntry",),
            pseudonymised="the back office's change log, with your name and email address replaced",
        )
    )
    not_personal("auth.Group", "permission groups of staff accounts; a group's name is a role")
    not_personal("auth.Permission", "the names of permissions, the same in every installation")
