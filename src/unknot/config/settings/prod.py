"""Production: hardening only. Refuses to start without SECRET_KEY and UNKNOT_FIELD_KEYS."""

from unknot.config import env as e
from unknot.config.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = e.secret_key(required=True)
FIELD_ENCRYPTION_KEYS = e.field_keys(required=True)
BACKUP_ENCRYPTION_KEYS = e.backup_keys(FIELD_ENCRYPTION_KEYS)
SECURE_SSL_REDIRECT = e.SECURE_SSL_REDIRECT
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = e.SECURE_HSTS_SECONDS
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

# Rate limits and other short-lived counters need a cache every app server shares: memcached.
# UNKNOT_CACHE_LOCATION lists its servers (host:port, comma-separated); see docs/operations.md.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
        "LOCATION": e.env.list("UNKNOT_CACHE_LOCATION", default=["127.0.0.1:11211"]),
        "OPTIONS": {"ignore_exc": True, "connect_timeout": 0.5, "timeout": 0.5},
    }
}
SILENCED_SYSTEM_CHECKS = []
