"""Settings shared by every environment. dev, test and prod only override."""

from __future__ import annotations

from pathlib import Path

from unknot.config import env as e

BASE_DIR = e.BASE_DIR
PACKAGE_DIR = Path(__file__).resolve().parents[2]
"""src/unknot: project-wide templates and static files live here, so they ship in the wheel."""
VAR_DIR = e.VAR_DIR

SECRET_KEY = e.secret_key(required=False)
DEBUG = e.DEBUG
ALLOWED_HOSTS = e.ALLOWED_HOSTS
CSRF_TRUSTED_ORIGINS = e.CSRF_TRUSTED_ORIGINS
SITE_URL = e.SITE_URL

INSTALLED_APPS = [
    "unknot.apps.accounts",
    "unknot.apps.practices",
    "unknot.apps.therapists",
    "unknot.apps.guide",
    "unknot.apps.home",
    "unknot.apps.booking",
    "unknot.apps.programs",
    "unknot.apps.waitlist",
    "unknot.apps.notifications",
    "unknot.apps.questions",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "unknot.config.urls"
WSGI_APPLICATION = "unknot.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "unknot.apps.home.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": e.database_url()}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so two writers are serialised
    # instead of failing half-way; WAL lets readers go on while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:index"
LOGOUT_REDIRECT_URL = "home:index"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
PRACTICE_TIME_ZONE = e.PRACTICE_TIME_ZONE
"""Default time zone for a new practice; each Practice row carries its own."""

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"

EMAIL_BACKEND = e.EMAIL_BACKEND
EMAIL_FILE_PATH = e.EMAIL_FILE_PATH
EMAIL_HOST = e.EMAIL_HOST
EMAIL_PORT = e.EMAIL_PORT
EMAIL_HOST_USER = e.EMAIL_HOST_USER
EMAIL_HOST_PASSWORD = e.EMAIL_HOST_PASSWORD
EMAIL_USE_TLS = e.EMAIL_USE_TLS
EMAIL_USE_SSL = e.EMAIL_USE_SSL
DEFAULT_FROM_EMAIL = e.DEFAULT_FROM_EMAIL
SERVER_EMAIL = e.DEFAULT_FROM_EMAIL

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"unknot": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
