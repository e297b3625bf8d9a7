"""The one place that reads the process environment.

Every deployment value is read here, typed, with a safe development default where one makes
sense. Settings modules import from this module; application code never touches os.environ.
"""

from __future__ import annotations

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parents[3]
"""The checkout (or install) root: it holds var/ for the embedded database, media and mail."""

env = environ.Env()

VAR_DIR = Path(env.str("UNKNOT_VAR_DIR", default=str(BASE_DIR / "var")))


def secret_key(*, required: bool) -> str:
    """Return SECRET_KEY from the environment.

    With ``required`` a missing key raises ImproperlyConfigured: production must never run on
    a key that lives in the repository.
    """
    if required:
        return env.str("SECRET_KEY")
    return env.str("SECRET_KEY", default="dev-only-insecure-key-never-used-in-production")


def database_url() -> dict:
    """DATABASE_URL as Django's DATABASES entry; the embedded SQLite file under var/ by default."""
    default = f"sqlite:///{VAR_DIR / 'unknot.sqlite3'}"
    return env.db_url("DATABASE_URL", default=default)


DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
PRACTICE_TIME_ZONE = env.str("PRACTICE_TIME_ZONE", default="Europe/London")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Unknot <no-reply@unknot.invalid>")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
BENCH_FLOOR = env.bool("UNKNOT_BENCH_FLOOR", default=False)
"""Serve /bench/floor, the no-op view the benchmark suite (bench/) measures as its ceiling."""
