"""The client's own data: export everything, consents, who opened my records, delete me."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from unknot.api.auth import ReauthIn, require_reauth, signed_in
from unknot.api.errors import ApiError
from unknot.apps.records import selectors, services
from unknot.apps.records.consents import WORDINGS

router = Router(tags=["me"], auth=signed_in)


def _client(request: HttpRequest):
    user = request.user
    if not user.is_client or user.is_superuser:
        raise ApiError(403, "clients_only", "These endpoints are for client accounts.")
    return user


@router.post("/me/export", response=dict)
def export(request: HttpRequest, payload: ReauthIn):
    """Everything Unknot holds about the caller, in one JSON document (the export is audited).

    Confirm with the password in the body: an export is the whole record at once."""
    user = _client(request)
    require_reauth(request, password=payload.password, otp_code=payload.otp_code)
    return services.export_everything(user=user, now=timezone.now(), via="api")


class MyConsentOut(Schema):
    kind: str
    title: str
    text: str
    wording_version: str
    granted: bool
    decided_at: dt.datetime | None = Field(description="None while the default applies.")
    decided_wording_version: str | None
    withdraw_effect: str


def consents_out(user) -> list[MyConsentOut]:
    return [
        MyConsentOut(
            kind=row["kind"],
            title=row["wording"].title,
            text=row["wording"].text,
            wording_version=row["wording"].version,
            granted=row["granted"],
            decided_at=row["decision"].recorded_at if row["decision"] else None,
            decided_wording_version=row["decision"].wording_version if row["decision"] else None,
            withdraw_effect=row["wording"].withdraw_effect,
        )
        for row in selectors.consent_rows(user)
    ]


@router.get("/me/consents", response=list[MyConsentOut])
def list_consents(request: HttpRequest):
    return consents_out(_client(request))


class MyConsentIn(Schema):
    granted: bool


@router.put("/me/consents/{kind}", response=list[MyConsentOut])
def set_consent(request: HttpRequest, kind: str, payload: MyConsentIn):
    """Give or withdraw one consent; it applies at once. Kinds: treatment, health_data,
    reminders, faq_sharing."""
    user = _client(request)
    if kind not in WORDINGS:
        raise ApiError(
            422, "unknown_consent", f"Unknown consent '{kind}'.", valid_values=list(WORDINGS)
        )
    services.consent_set(
        user=user, kind=kind, granted=payload.granted, now=timezone.now(), via="api"
    )
    return consents_out(user)


class RecordOpeningOut(Schema):
    at: dt.datetime
    who: str
    action: str
    record: str
    record_uid: str
    via: str
    reason: str = Field(
        default="",
        description="Why they could open it: treating therapist, practice owner, or the reason "
        "typed for a break-glass read or a records request.",
    )


@router.get("/me/audit", response=list[RecordOpeningOut])
def openings(request: HttpRequest, include_mine: bool = False):
    """Who viewed or changed the caller's health records, newest first (last 100)."""
    user = _client(request)
    return [
        RecordOpeningOut(
            at=e.at,
            who="you" if e.actor_id == user.pk else e.actor_label,
            action=e.action,
            record=e.record_kind,
            record_uid=e.record_uid,
            via=e.via,
            reason=e.reason,
        )
        for e in selectors.record_openings(user, others_only=not include_mine)
    ]


class DeleteMeIn(ReauthIn):
    """The password (and two-factor code, where the caller has one) confirm the deletion."""


class AccountDeletedOut(Schema):
    closed_at: dt.datetime
    summary: str
    kept_until: list[dict]


@router.delete("/me", response=AccountDeletedOut)
def delete_me(request: HttpRequest, payload: DeleteMeIn):
    """Delete the caller's account (confirm with the password).

    Identity is erased at once; health records are erased at once or kept as long as each
    practice's retention requires, with the reason in ``summary``.
    """
    user = _client(request)
    require_reauth(request, password=payload.password, otp_code=payload.otp_code)
    closure = services.account_close(user=user, now=timezone.now(), via="api")
    return AccountDeletedOut(
        closed_at=closure.closed_at,
        summary=closure.summary,
        kept_until=[
            {"practice": h.practice.name, "until": h.keep_until.isoformat(), "reason": h.reason}
            for h in closure.holds.select_related("practice")
        ],
    )
