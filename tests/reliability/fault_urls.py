"""The project's URLconf plus a test-only pause inside a write, for the kill tests.

With UNKNOT_FAULT_PAUSE_FILE set, the first row of UNKNOT_FAULT_PAUSE_MODEL (a model label,
default booking.booking) to be inserted makes the process write its pid to that file and sleep
inside the still-open transaction: the test then kills it with SIGKILL at a known point, after
the booking row and before its event row.
"""

import json
import os
import time

from django.db.models.signals import post_save

from unknot.config.urls import urlpatterns  # noqa: F401 - this module is the URLconf

PAUSE_FILE = os.environ.get("UNKNOT_FAULT_PAUSE_FILE", "")
PAUSE_MODEL = os.environ.get("UNKNOT_FAULT_PAUSE_MODEL", "booking.booking")


def _pause_once(sender, instance, created, **kwargs):
    if not (created and PAUSE_FILE) or os.path.exists(PAUSE_FILE):
        return
    if sender._meta.label_lower != PAUSE_MODEL:
        return
    from django.db import connection

    note = {
        "pid": os.getpid(),
        "pk": instance.pk,
        "in_transaction": connection.in_atomic_block,
        "row_written": sender._base_manager.filter(pk=instance.pk).exists(),
    }
    with open(PAUSE_FILE + ".tmp", "w") as handle:
        json.dump(note, handle)
    os.replace(PAUSE_FILE + ".tmp", PAUSE_FILE)
    time.sleep(300)


post_save.connect(_pause_once, dispatch_uid="unknot-fault-pause")
