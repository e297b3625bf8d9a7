"""Small model building blocks shared by the apps."""

from __future__ import annotations

import secrets

from django.db import models


def new_uid() -> str:
    """A public identifier for URLs: 16 URL-safe characters, never a sequential id."""
    return secrets.token_urlsafe(12)


class TimeStampedModel(models.Model):
    """Adds created_at / updated_at to a model."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
