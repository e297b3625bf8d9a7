"""Licensed therapists, their training and the techniques they practise."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from unknot.common.models import TimeStampedModel, new_uid
from unknot.common.validators import validate_plain_text


class Language(models.Model):
    """A language a therapist can hold a session in (ISO 639-1 code)."""

    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=60, validators=[validate_plain_text])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Therapist(TimeStampedModel):
    """A therapist's public profile and licence.

    A licence is bookable on a date only when it is verified by staff and not expired on that
    date; see ``licence_valid_on``.
    """

    uid = models.CharField(max_length=32, unique=True, default=new_uid, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="therapist"
    )
    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.PROTECT, related_name="therapists"
    )
    slug = models.SlugField(unique=True, help_text="Used in the profile's address.")
    display_name = models.CharField(max_length=120, validators=[validate_plain_text])
    photo = models.ImageField(upload_to="therapists/", blank=True)
    bio = models.TextField(blank=True)
    licence_number = models.CharField(max_length=60, validators=[validate_plain_text])
    licence_jurisdiction = models.CharField(max_length=120, validators=[validate_plain_text])
    licence_expires_on = models.DateField()
    licence_verified_at = models.DateTimeField(null=True, blank=True)
    licence_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    years_in_practice = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(70)]
    )
    techniques = models.ManyToManyField(
        "practices.Technique", related_name="therapists", blank=True
    )
    languages = models.ManyToManyField(Language, related_name="therapists", blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "licence_number", "licence_jurisdiction"],
                name="therapist_licence_unique_in_practice",
            ),
            models.CheckConstraint(
                condition=Q(years_in_practice__lte=70), name="therapist_years_in_practice_range"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def licence_verified(self) -> bool:
        return self.licence_verified_at is not None

    def licence_valid_on(self, day: dt.date) -> bool:
        """True when the licence is verified and has not expired on ``day``."""
        return self.licence_verified and day <= self.licence_expires_on


class Certification(models.Model):
    """A training course or certificate, optionally in one technique."""

    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="training")
    title = models.CharField(max_length=160, validators=[validate_plain_text])
    issuer = models.CharField(max_length=160, validators=[validate_plain_text])
    year = models.PositiveSmallIntegerField()
    technique = models.ForeignKey(
        "practices.Technique", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hours = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.issuer}, {self.year})"
