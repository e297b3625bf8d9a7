"""The signed versions of session notes: each signature and each amendment keeps a full copy.

A version row is never changed: the database refuses an update of its number, note, time or
content hash (migration ``records.0005``), and the note itself may only carry a signed content
that matches one of its versions. Key rotation may still re-encrypt the texts, which leaves the
hash as it was.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from unknot.common.fields import EncryptedTextField
from unknot.common.validators import validate_plain_text


class NoteVersionKind(models.TextChoices):
    SIGNED = "signed", "Signed"
    AMENDED = "amended", "Amended"


class SessionNoteVersion(models.Model):
    """One signed state of a note: who, when, why (for amendments), what changed, and a copy."""

    note = models.ForeignKey(
        "records.SessionNote", on_delete=models.CASCADE, related_name="versions"
    )
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.PROTECT, related_name="note_versions"
    )
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=NoteVersionKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signed_note_versions",
    )
    author_name = models.CharField(max_length=300, blank=True, validators=[validate_plain_text])
    recorded_at = models.DateTimeField()
    reason = EncryptedTextField(blank=True, help_text="Why the signed note was amended.")
    changed = models.JSONField(default=list, blank=True)
    late = models.BooleanField(default=False)
    content_hash = models.CharField(max_length=64)
    subjective = EncryptedTextField(blank=True)
    objective = EncryptedTextField(blank=True)
    assessment = EncryptedTextField(blank=True)
    plan = EncryptedTextField(blank=True)
    findings = EncryptedTextField(blank=True)
    client_summary = EncryptedTextField(blank=True)
    techniques = models.JSONField(default=list, blank=True)
    pressure_used = models.PositiveSmallIntegerField(null=True, blank=True)
    finding_regions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["note", "number"]
        constraints = [
            models.UniqueConstraint(fields=["note", "number"], name="note_version_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="note_version_number_positive"),
            models.CheckConstraint(
                condition=(Q(kind=NoteVersionKind.SIGNED) & Q(number=1))
                | (Q(kind=NoteVersionKind.AMENDED) & Q(number__gt=1)),
                name="note_version_first_signed_then_amended",
            ),
        ]

    def __str__(self) -> str:
        return f"Note {self.note_id} version {self.number}"


class NoteTemplate(models.Model):
    """A practice's starting text for the SOAP fields of a session of one technique.

    Pre-fills a new note when the therapist starts it; the therapist edits from there. Kept in
    the admin by the practice. Generic wording, no client's data.
    """

    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.CASCADE, related_name="note_templates"
    )
    technique = models.ForeignKey(
        "practices.Technique", on_delete=models.CASCADE, related_name="note_templates"
    )
    name = models.CharField(max_length=120, validators=[validate_plain_text])
    subjective = models.TextField(blank=True, max_length=2000)
    objective = models.TextField(blank=True, max_length=2000)
    assessment = models.TextField(blank=True, max_length=2000)
    plan = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["practice", "technique__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "technique"], name="note_template_one_per_technique"
            )
        ]

    def __str__(self) -> str:
        return self.name
