"""The one place that reads the process environment.

Every deployment value is read here, typed, with a safe development default where one makes
sense. Settings modules import from this module; application code never touches os.environ.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[3]
"""The checkout (or install) root: it holds var/ for the embedded database, media and mail."""

env = environ.Env()

VAR_DIR = Path(env.str("UNKNOT_VAR_DIR", default=str(BASE_DIR / "var")))


def secret_key(*, required: bool) -> str:
    """Return SECRET_KEY from the environment, or "" when it is not set and not ``required``.

    With ``required`` a missing key raises ImproperlyConfigured. There is no default in the
    repository: a served configuration either reads the environment (production) or a secret
    generated for this checkout under var/ (``local_secret``: the demo and development).
    """
    if required:
        return env.str("SECRET_KEY")
    return env.str("SECRET_KEY", default="")


def local_secret(name: str, make) -> str:
    """A secret generated on first use and kept in var/secrets/<name> (mode 0600, never in git).

    Several processes may start at once (gunicorn workers, the task worker): the file is written
    aside and linked into place, so the first one wins and every other reads the same value.
    """
    folder = VAR_DIR / "secrets"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        aside = folder / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(make() + "\n")
        try:
            os.link(aside, path)
        except FileExistsError:
            pass
        finally:
            aside.unlink()
    return path.read_text().strip()


def new_secret_key() -> str:
    return secrets.token_urlsafe(50)


def new_fernet_key() -> str:
    """A Fernet key: 32 random bytes, url-safe base64 (what ``Fernet.generate_key`` makes)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _check_fernet_keys(name: str, keys: list[str]) -> list[str]:
    for position, key in enumerate(keys, start=1):
        try:
            raw = base64.urlsafe_b64decode(key.encode())
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 32:
            raise ImproperlyConfigured(
                f"{name}: key {position} is not a Fernet key (32 bytes, url-safe base64). "
                "Generate one with: unknot generate_field_key"
            )
    return keys


def field_keys(*, required: bool, default: list[str] | None = None) -> list[str]:
    """UNKNOT_FIELD_KEYS: the Fernet keys of encrypted fields, comma-separated, current first.

    Every key decrypts; only the first encrypts. Malformed keys stop the process at start-up;
    with ``required`` so does a missing variable (production never runs without one).
    """
    keys = [k.strip() for k in env.list("UNKNOT_FIELD_KEYS", default=[]) if k.strip()]
    if not keys:
        if required:
            raise ImproperlyConfigured(
                "UNKNOT_FIELD_KEYS is not set: clinical notes are encrypted at rest and "
                "production refuses to start without its key (docs/encryption.md)."
            )
        keys = list(default or [])
    return _check_fernet_keys("UNKNOT_FIELD_KEYS", keys)


def backup_keys(field: list[str]) -> list[str]:
    """UNKNOT_BACKUP_KEYS (same form as the field keys); the field keys when unset."""
    keys = [k.strip() for k in env.list("UNKNOT_BACKUP_KEYS", default=[]) if k.strip()]
    return _check_fernet_keys("UNKNOT_BACKUP_KEYS", keys) if keys else list(field)


def database_url() -> dict:
    """DATABASE_URL as Django's DATABASES entry; the embedded SQLite file under var/ by default."""
    default = f"sqlite:///{VAR_DIR / 'unknot.sqlite3'}"
    return env.db_url("DATABASE_URL", default=default)


def database_replica_url() -> dict | None:
    """DATABASE_REPLICA_URL (a streaming replica of the primary) as a DATABASES entry, or None."""
    if not env.str("DATABASE_REPLICA_URL", default=""):
        return None
    return env.db_url("DATABASE_REPLICA_URL")


REPLICA_PIN_SECONDS = env.int("UNKNOT_REPLICA_PIN_SECONDS", default=15)
"""How long a browser that has just written reads only from the primary (read-your-writes)."""


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
