"""Settings for app servers that reliability tests start in their own processes.

Production settings (persistent connections with health checks, Argon2, memcached with
ignore_exc) with the fault hook's URLconf; the environment supplies SECRET_KEY, ALLOWED_HOSTS
and DATABASE_URL. Plain HTTP on loopback, so no HTTPS redirect.
"""

from unknot.config.settings.prod import *  # noqa: F403

ROOT_URLCONF = "tests.reliability.fault_urls"
SECURE_SSL_REDIRECT = False
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
UNKNOT_RATE_LIMITS = {name: "100000/h" for name in UNKNOT_RATE_LIMITS}  # noqa: F405
