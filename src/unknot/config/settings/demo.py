"""The demo (./dev demo), served like production: debug off, gunicorn, WhiteNoise.

Production's hardening except what plain HTTP on loopback cannot have (the HTTPS redirect,
HSTS and secure-only cookies); the embedded SQLite database and mail written to var/mail. No
secret lives in the repository: SECRET_KEY and the field encryption key come from the
environment or are generated on first run and kept in var/secrets/ (mode 0600).
"""

from unknot.config import env as e
from unknot.config.settings.base import *  # noqa: F403

DEBUG = False
if not SECRET_KEY:  # noqa: F405
    SECRET_KEY = e.local_secret("secret-key", e.new_secret_key)
if not FIELD_ENCRYPTION_KEYS:  # noqa: F405
    FIELD_ENCRYPTION_KEYS = [e.local_secret("field-key", e.new_fernet_key)]
BACKUP_ENCRYPTION_KEYS = e.backup_keys(FIELD_ENCRYPTION_KEYS)

ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = str(VAR_DIR / "mail")  # noqa: F405

# Plain HTTP on 127.0.0.1: no redirect to HTTPS and no HSTS; every other header as production.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
