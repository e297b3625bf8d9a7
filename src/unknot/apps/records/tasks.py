"""The purge as a django-tasks task, for schedulers that enqueue rather than run commands."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from unknot.apps.records.services import health_records_purge


@task()
def purge_health_records() -> int:
    """Erase health records whose retention after account closure has run out."""
    return health_records_purge(now=timezone.now())
