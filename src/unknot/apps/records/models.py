"""Health records and the client's control over them: consents, session notes, the audit log,
account closure with the practices' retention holds.

Session notes are health data: reach them only through ``apps.records.access``, which writes
an audit entry for every read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from unknot.common.fields import EncryptedTextField
from unknot.common.models import TimeStampedModel, new_uid
from unknot.common.validators import validate_plain_text


class ConsentKind(models.TextChoices):
    TREATMENT = "treatment", "Treatment"
    HEALTH_DATA = "health_data", "Storing my health information"
    REMINDERS = "reminders", "Check-in reminders by email"
    FAQ_SHARING = "faq_sharing", "Sharing my questions as FAQ"


class Consent(models.Model):
    """One decision: given or withdrawn, with the wording version shown. Never edited.

    The latest decision per kind is the one in force; the history is the record.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    kind = models.CharField(max_length=20, choices=ConsentKind.choices)
    granted = models.BooleanField()
    wording_version = models.CharField(max_length=20)
    recorded_at = models.DateTimeField()
    via = models.CharField(max_length=12, default="web")

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["user", "kind", "-recorded_at"], name="consent_latest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in ConsentKind]), name="consent_kind_valid"
            )
        ]

    def __str__(self) -> str:
        state = "given" if self.granted else "withdrawn"
        return f"{self.get_kind_display()}: {state} ({self.recorded_at:%Y-%m-%d})"


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    EXPORT = "export", "Exported"
    ERASE = "erase", "Erased"
    GRANT = "grant", "Opened with a reason"


class AuditEntry(models.Model):
    """Who saw or changed whose health data, when, and through which door.

    ``actor_label`` keeps the name and role as they were, so the trail stays readable after an
    account changes. Entries hold no health data themselves.
    """

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_actions",
    )
    actor_label = models.CharField(max_length=200)
    actor_role = models.CharField(max_length=16, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_trail",
    )
    practice = models.ForeignKey(
        "practices.Practice", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    record_kind = models.CharField(max_length=20)
    record_uid = models.CharField(max_length=40, blank=True)
    via = models.CharField(max_length=10, default="web")
    reason = models.CharField(
        max_length=300,
        blank=True,
        validators=[validate_plain_text],
        help_text="Why the actor could open it: own record, treating therapist, practice owner, "
        "or the reason typed for a break-glass read or a records request.",
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["subject", "-at"], name="audit_subject_recent")]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.record_kind} at {self.at:%Y-%m-%d %H:%M}"


class SessionNote(TimeStampedModel):
    """The therapist's structured note of one session (SOAP), and what the client may see.

    Written only by the booking's therapist; read by the practice's therapists and staff. The
    client sees ``client_summary`` once the therapist shares it, and nothing else.
    """

    uid = models.CharField(max_length=32, unique=True, default=new_uid, editable=False)
    booking = models.OneToOneField(
        "booking.Booking", on_delete=models.CASCADE, related_name="session_note"
    )
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.PROTECT, related_name="session_notes"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authored_notes",
    )
    subjective = EncryptedTextField(blank=True, help_text="What the client said.")
    objective = EncryptedTextField(blank=True, help_text="What the therapist found.")
    assessment = EncryptedTextField(blank=True, help_text="The therapist's interpretation.")
    plan = EncryptedTextField(blank=True, help_text="What next.")
    techniques = models.ManyToManyField(
        "practices.Technique", blank=True, related_name="session_notes"
    )
    pressure_used = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Walton pressure level 1 (lightest) to 5 (deepest)."
    )
    finding_regions = models.JSONField(default=list, blank=True)
    findings = EncryptedTextField(blank=True, help_text="What was found in the marked areas.")
    client_summary = EncryptedTextField(blank=True)
    summary_shared_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveSmallIntegerField(default=0, help_text="0 while a draft.")
    late = models.BooleanField(default=False, help_text="Signed after the practice's limit.")
    content_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(signed_at__isnull=True) & Q(version=0))
                | (Q(signed_at__isnull=False) & Q(version__gte=1)),
                name="session_note_signed_has_version",
            ),
            models.CheckConstraint(
                condition=Q(pressure_used__isnull=True)
                | (Q(pressure_used__gte=1) & Q(pressure_used__lte=5)),
                name="session_note_pressure_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Note {self.uid}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def summary_is_shared(self) -> bool:
        return self.summary_shared_at is not None and bool(self.client_summary.strip())


class AccountClosure(models.Model):
    """A client closed their account: what was erased at once and what practices keep."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="closure"
    )
    closed_at = models.DateTimeField()
    health_records_erased_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(help_text="What the client was told, word for word.")

    class Meta:
        ordering = ["-closed_at"]

    def __str__(self) -> str:
        return f"Account closed {self.closed_at:%Y-%m-%d}"


class RetentionHold(models.Model):
    """A practice keeps a closed account's health records until ``keep_until``, then they go."""

    closure = models.ForeignKey(AccountClosure, on_delete=models.CASCADE, related_name="holds")
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.PROTECT, related_name="retention_holds"
    )
    keep_until = models.DateTimeField()
    reason = models.TextField()
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["keep_until"]
        constraints = [
            models.UniqueConstraint(
                fields=["closure", "practice"], name="retention_hold_one_per_practice"
            )
        ]

    def __str__(self) -> str:
        return f"Kept until {self.keep_until:%Y-%m-%d}"


class GrantKind(models.TextChoices):
    BREAK_GLASS = "break_glass", "Break-glass read"
    RECORDS_REQUEST = "records_request", "Records request for an archived record"


class AccessGrant(models.Model):
    """A short window in which one person reads one client's health records, for a reason.

    A break-glass read lets someone of the practice who is not treating the client read them;
    a records request lets a practice owner read the archived records of a closed account.
    Both are written to the client's audit log with the reason typed; neither is ever edited.
    """

    kind = models.CharField(max_length=16, choices=GrantKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_grants"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_grants_about"
    )
    practice = models.ForeignKey(
        "practices.Practice",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="access_grants",
        help_text="The practice whose records it opens (none for an administrator).",
    )
    reason = models.CharField(max_length=300, validators=[validate_plain_text])
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-granted_at", "-id"]
        indexes = [
            models.Index(fields=["actor", "client", "-expires_at"], name="access_grant_lookup")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in GrantKind]), name="access_grant_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("granted_at")),
                name="access_grant_expires_after_granted",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="access_grant_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} until {self.expires_at:%Y-%m-%d %H:%M}"


from unknot.apps.records.note_models import (  # noqa: E402, F401
    NoteTemplate,
    NoteVersionKind,
    SessionNoteVersion,
)
