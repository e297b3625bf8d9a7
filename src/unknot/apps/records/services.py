"""Writes for records: consents, session notes, closing an account and purging what was kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.crypto import salted_hmac

from unknot.apps.booking.models import Booking
from unknot.apps.practices.models import Practice
from unknot.apps.records import audit, registry
from unknot.apps.records.consents import WORDINGS
from unknot.apps.records.errors import RecordsError
from unknot.apps.records.models import (
    AccountClosure,
    AuditAction,
    Consent,
    RetentionHold,
    SessionNote,
)

# --- consents ----------------------------------------------------------------------------


def consent_set(*, user, kind: str, granted: bool, now: dt.datetime, via: str = "web") -> Consent:
    """Record a decision for ``kind`` with the current wording version; it applies at once.

    Raises:
        RecordsError: unknown kind, or ``user`` is not a client.
    """
    if kind not in WORDINGS:
        raise RecordsError(
            f"Unknown consent '{kind}'.", problems={"kind": f"one of {', '.join(WORDINGS)}"}
        )
    if not (user.is_active and user.is_client):
        raise RecordsError("Only client accounts record consents.", code="clients_only")
    return Consent.objects.create(
        user=user,
        kind=kind,
        granted=bool(granted),
        wording_version=WORDINGS[kind].version,
        recorded_at=now,
        via=via,
    )


# --- export ------------------------------------------------------------------------------


def export_everything(*, user, now: dt.datetime, via: str = "web") -> dict:
    """Everything Unknot holds about ``user``, as JSON-ready data; the export is audited.

    One section per exported entry of :mod:`registry`; the page and the API both show this.
    """
    entries = registry.exported()
    sections = {p.name: p.export(user) for p in entries}
    audit.record(
        actor=user, subject=user, action=AuditAction.EXPORT, kind="export", via=via, now=now
    )
    return {
        "generated_at": now.isoformat(),
        "format": "unknot-personal-data/2",
        "sections": {p.name: p.title for p in entries},
        **sections,
    }


# --- closing an account ------------------------------------------------------------------

RETENTION_WHY = "as the law requires of health practitioners' clinical records"


@dataclass(frozen=True)
class Keep:
    practice: Practice
    keep_until: dt.datetime
    reason: str


def _listed(items) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return "; ".join(items[:-1]) + "; and " + items[-1]


@dataclass(frozen=True)
class ClosurePlan:
    """What closing the account will do, written from the registry's entries.

    ``keeps``: the practices that keep clinical records, until when and why; ``kept``: what
    they keep; ``kept_while_held``: records of no one practice, kept until the last hold
    ends; ``erased``: what goes at once; ``pseudonymised``: what stays without identifiers.
    """

    keeps: tuple[Keep, ...] = ()
    erased_now: tuple[str, ...] = field(default_factory=tuple)
    kept: tuple[str, ...] = ()
    kept_while_held: tuple[str, ...] = ()
    erased: tuple[str, ...] = ()
    pseudonymised: tuple[str, ...] = ()

    @property
    def lines(self) -> list[str]:
        lines = ["Your account is closed and you can no longer sign in."]
        lines += [keep.reason for keep in self.keeps]
        if self.keeps and self.kept_while_held:
            lines.append(
                "Kept until the last of these dates, then erased, because they belong to no one "
                f"practice: {_listed(self.kept_while_held)}."
            )
        erased = list(self.erased)
        if self.erased_now:
            erased.append("the health records held by " + ", ".join(self.erased_now))
        lines.append(f"Erased at once: {_listed(erased)}.")
        if self.pseudonymised:
            lines.append(
                "Kept with your name, email address and other identifiers replaced by a "
                f"pseudonym: {_listed(self.pseudonymised)}."
            )
        return lines

    @property
    def summary(self) -> str:
        return "\n".join(self.lines)


def pseudonym(user) -> str:
    """The stable name a closed account goes by in the logs kept: "closed client #3f9c0a1b2d".

    Derived from the account's random uid with the site's secret, so it is the same in every
    log and cannot be turned back into the person without the database.
    """
    digest = salted_hmac("unknot.records.pseudonym", user.uid, algorithm="sha256").hexdigest()
    return f"closed client #{digest[:10]}"


def _practices_holding(user, now: dt.datetime) -> set[int]:
    """Practices with a clinical record of ``user``: only those keep anything."""
    ids: set[int] = set()
    for p in registry.registered():
        if p.practices is not None:
            ids |= set(p.practices(user, now=now))
    return ids


def _reason(practice: Practice, keep_until: dt.datetime, kept: tuple[str, ...]) -> str:
    days = practice.health_record_retention_days
    return (
        f"{practice.name} keeps your health records ({_listed(kept)}) for {days} days after "
        f"an account is closed, {RETENTION_WHY}. They will be erased on {keep_until:%d %B %Y}."
    )


def account_close_plan(*, user, now: dt.datetime) -> ClosurePlan:
    """What :func:`account_close` would do now, to show before the client confirms."""
    entries = registry.registered()
    kept = tuple(p.retained for p in entries if p.retained and p.practices is not None)
    while_held = tuple(p.retained for p in entries if p.retained and p.practices is None)
    keeps, erased_practices = [], []
    for practice in Practice.objects.filter(pk__in=_practices_holding(user, now)).order_by("name"):
        days = practice.health_record_retention_days
        if days > 0:
            until = now + dt.timedelta(days=days)
            keeps.append(Keep(practice, until, _reason(practice, until, kept)))
        else:
            erased_practices.append(practice.name)
    erased = [p.erased for p in entries if p.erased]
    if not keeps:
        erased += [p.retained for p in entries if p.retained]
        erased_practices = []
    return ClosurePlan(
        keeps=tuple(keeps),
        erased_now=tuple(erased_practices),
        kept=kept if keeps else (),
        kept_while_held=while_held if keeps else (),
        erased=tuple(erased),
        pseudonymised=tuple(p.pseudonymised for p in entries if p.pseudonymised),
    )


def _erase(user, *, practice_id: int | None, now: dt.datetime) -> int:
    total = 0
    for p in registry.registered():
        if p.erase is not None:
            total += p.erase(user, practice_id=practice_id, now=now)
    return total


def _practices_touched(user) -> set[int]:
    """Every practice the client ever booked with (health records always hang on a booking)."""
    return set(Booking.objects.filter(client=user).values_list("practice_id", flat=True))


@transaction.atomic
def account_close(*, user, now: dt.datetime, via: str = "web") -> AccountClosure:
    """Close ``user``'s client account; the page and ``DELETE /api/v1/me`` both call this.

    In this order: every entry's ``on_close`` runs (by ``order``: waitlist entries are left,
    programmes and future sessions cancelled through their services, non-clinical details
    blanked, credentials deleted, logs pseudonymised). Practices holding a clinical record
    and a retention of more than 0 days keep their health records until
    ``now + health_record_retention_days`` (a :class:`RetentionHold` each, with the reason),
    when :func:`health_records_purge` erases them; everything else is erased now. Records of
    no practice (self-assessments, consents) go with the last hold, or at once. Last, the
    account's own name, email and password go.

    Raises:
        RecordsError: ``user`` is not an active client account.
    """
    if not (user.is_active and user.is_client) or user.is_superuser:
        raise RecordsError("Only client accounts can be closed here.", code="clients_only")
    if AccountClosure.objects.filter(user=user).exists():
        raise RecordsError("This account is already closed.", code="already_closed")
    plan = account_close_plan(user=user, now=now)
    email = user.email
    audit.record(
        actor=user, subject=user, action=AuditAction.ERASE, kind="account", via=via, now=now
    )
    closure = AccountClosure.objects.create(user=user, closed_at=now, summary=plan.summary)
    for keep in plan.keeps:
        RetentionHold.objects.create(
            closure=closure, practice=keep.practice, keep_until=keep.keep_until, reason=keep.reason
        )
    for p in sorted(registry.registered(), key=lambda p: p.order):
        if p.on_close is not None:
            p.on_close(user, email=email, now=now)
    held = {k.practice.pk for k in plan.keeps}
    for practice_id in (_practices_touched(user) | _practices_holding(user, now)) - held:
        _erase(user, practice_id=practice_id, now=now)
    if not held:
        _erase(user, practice_id=None, now=now)
        closure.health_records_erased_at = now
        closure.save(update_fields=["health_records_erased_at"])

    user.email = closed_email(user)
    user.full_name = ""
    user.is_active = False
    user.is_staff = False
    user.set_unusable_password()
    user.save()
    return closure


def closed_email(user) -> str:
    """The address a closed account keeps: unique, undeliverable, and not the person's."""
    return f"closed-{user.uid}@closed.invalid"


def health_records_purge(*, now: dt.datetime) -> int:
    """Erase health records whose retention has run out. Returns how many holds ended."""
    ended = 0
    due = RetentionHold.objects.select_related("closure", "closure__user").filter(
        purged_at__isnull=True, keep_until__lte=now
    )
    for hold in due:
        with transaction.atomic():
            user = hold.closure.user
            _erase(user, practice_id=hold.practice_id, now=now)
            hold.purged_at = now
            hold.save(update_fields=["purged_at"])
            if not hold.closure.holds.filter(purged_at__isnull=True).exists():
                _erase(user, practice_id=None, now=now)
                AccountClosure.objects.filter(pk=hold.closure_id).update(
                    health_records_erased_at=now
                )
            ended += 1
    return ended


def note_texts(note: SessionNote) -> Mapping[str, str]:
    return {name: getattr(note, name) for name in NOTE_TEXT_FIELDS}


from unknot.apps.records.note_services import (  # noqa: E402, F401
    NOTE_TEXT_FIELDS,
    note_amend,
    note_save,
    note_sign,
)
