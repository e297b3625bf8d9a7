"""Local development (./dev serve): debug on, mail written to files under var/mail.

No secret lives in the repository: unless the environment sets them, SECRET_KEY and the field
encryption key are generated for this checkout on first use and kept in var/secrets/ (0600),
shared with the demo (./dev demo), which serves the same database.
"""

from unknot.config import env as e
from unknot.config.settings.base import *  # noqa: F403

DEBUG = True
if not SECRET_KEY:  # noqa: F405
    SECRET_KEY = e.local_secret("secret-key", e.new_secret_key)
if not FIELD_ENCRYPTION_KEYS:  # noqa: F405
    FIELD_ENCRYPTION_KEYS = [e.local_secret("field-key", e.new_fernet_key)]
BACKUP_ENCRYPTION_KEYS = e.backup_keys(FIELD_ENCRYPTION_KEYS)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Serve static files straight from the apps' folders, picking up edits without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
