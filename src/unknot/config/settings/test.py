"""The test suite: fast hashing, the in-memory outbox, tasks run at once."""

import base64
import hashlib
import os

from unknot.config.settings.base import *  # noqa: F403

DEBUG = False
# Fixed, derived keys: the suite is deterministic and never reads a real deployment's secrets.
SECRET_KEY = "test-only-" + hashlib.sha256(b"unknot test secret key").hexdigest()
FIELD_ENCRYPTION_KEYS = [
    base64.urlsafe_b64encode(hashlib.sha256(b"unknot test field key").digest()).decode()
]
BACKUP_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
ALLOWED_HOSTS = ["*"]
VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405  (a fresh clone has no var/ yet)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not :memory:, so live-server threads and worker processes share one database;
    # one per test process, so parallel runs in one checkout never share a file.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")  # noqa: F405
    }
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The whole suite runs from one address in one process: limits high enough for every other
# test; tests/security lowers them with override_settings to prove they bite.
UNKNOT_RATE_LIMITS = {name: "100000/h" for name in UNKNOT_RATE_LIMITS}  # noqa: F405
