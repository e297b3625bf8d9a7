"""Settings shared by every environment. dev, test and prod only override."""

from __future__ import annotations

from pathlib import Path

from unknot.config import env as e

BASE_DIR = e.BASE_DIR
PACKAGE_DIR = Path(__file__).resolve().parents[2]
"""src/unknot: project-wide templates and static files live here, so they ship in the wheel."""
VAR_DIR = e.VAR_DIR

SECRET_KEY = e.secret_key(required=False)
"""Empty unless set: dev and the demo generate one under var/, production requires it."""
FIELD_ENCRYPTION_KEYS = e.field_keys(required=False)
"""Fernet keys of the encrypted clinical fields (unknot.common.fields), current first."""
BACKUP_ENCRYPTION_KEYS = e.backup_keys(FIELD_ENCRYPTION_KEYS)
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
    "unknot.apps.records",
    "unknot.apps.payments",
    "unknot.apps.progress",
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

_replica = e.database_replica_url()
if _replica is not None:
    # A read-only streaming copy of the primary; the router sends only reads that may lag there
    # (unknot.common.db_router and its decision record). Tests never migrate it.
    _replica.update(ATOMIC_REQUESTS=False, CONN_MAX_AGE=0, TEST={"MIRROR": "default"})
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["unknot.common.db_router.ReplicaRouter"]
REPLICA_PIN_SECONDS = e.REPLICA_PIN_SECONDS
REPLICA_READ_VIEWS = frozenset(
    {
        # Pages and API reads that may show data a few seconds old: public reference data.
        "therapists:directory",
        "therapists:profile",
        "guide:technique_list",
        "guide:technique_detail",
        "evidence:index",
        "api-v1:list_therapists",
        "api-v1:list_techniques",
        "api-v1:list_evidence",
        "api-v1:get_evidence",
    }
)

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
BENCH_FLOOR = e.BENCH_FLOOR

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "unknot.common.staticfiles.StaticFilesStorage"},
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

# --- Security and reliability (issue 7; docs/decisions/0005-security-layer.md) ---------------
# Apps and middleware are added here, in one place, so the lists above stay readable.
INSTALLED_APPS += [
    "ninja",  # serves the API docs' Swagger UI from our own static files, not a CDN
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
MIDDLEWARE.insert(1, "csp.middleware.CSPMiddleware")
MIDDLEWARE.insert(2, "unknot.common.middleware.SecurityHeadersMiddleware")
MIDDLEWARE.insert(3, "unknot.common.middleware.RequestBodyMiddleware")
MIDDLEWARE.insert(4, "unknot.common.middleware.RejectNulCharactersMiddleware")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1,
    "unknot.apps.accounts.middleware.TwoFactorMiddleware",
)
MIDDLEWARE += [
    "unknot.common.db_router.ReplicaRoutingMiddleware",
    "unknot.common.middleware.RateLimitMiddleware",
    "unknot.common.middleware.ApiErrorsAsJsonMiddleware",
    "unknot.common.middleware.DatabaseUnavailableMiddleware",
    # Last, so it sees every sign-in attempt's outcome and turns a lock-out into a 429.
    "axes.middleware.AxesMiddleware",
]
# Health data is never stored by browsers or proxies (issue 12, finding 18).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "unknot.apps.records.no_store.NoStoreMiddleware",
)
AUTHENTICATION_BACKENDS = [
    "unknot.apps.accounts.throttling.SignInThrottle",  # django-axes, for HTTP sign-ins
    "django.contrib.auth.backends.ModelBackend",
]

# Which address is the client's: REMOTE_ADDR, or the n-th address from the right of
# X-Forwarded-For when n trusted proxies (load balancers) stand in front of the app.
TRUSTED_PROXY_COUNT = e.env.int("UNKNOT_TRUSTED_PROXY_COUNT", default=0)

# Sign-in throttling: 5 failures for one email from one address lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = e.env.int("UNKNOT_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = e.env.int("UNKNOT_LOGIN_COOLOFF_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # what the sign-in forms post and authenticate() gets
AXES_USERNAME_CALLABLE = "unknot.apps.accounts.throttling.username_of"
AXES_CLIENT_IP_CALLABLE = "unknot.common.ratelimit.client_ip"
AXES_LOCKOUT_CALLABLE = "unknot.apps.accounts.throttling.lockout_response"
AXES_VERBOSE = False

# Rate limits per client address on public forms; see unknot.common.ratelimit for the routes.
UNKNOT_RATE_LIMITS = {
    "signup": e.env.str("UNKNOT_RATE_SIGNUP", default="10/h"),
    "password-reset": e.env.str("UNKNOT_RATE_PASSWORD_RESET", default="10/h"),
    "assessment": e.env.str("UNKNOT_RATE_ASSESSMENT", default="300/h"),
    "questions": e.env.str("UNKNOT_RATE_QUESTIONS", default="20/h"),
    "two-factor": e.env.str("UNKNOT_RATE_TWO_FACTOR", default="60/h"),
    # Per client: creating bookings (pages, API, waitlist accepts) and programs (incl. previews).
    "booking": e.env.str("UNKNOT_RATE_BOOKING", default="30/h"),
    "program": e.env.str("UNKNOT_RATE_PROGRAM", default="60/h"),
}
RATELIMIT_IP_META_KEY = "unknot.common.ratelimit.client_ip"
RATELIMIT_USE_CACHE = "default"
# A cache outage must not shut the public forms: the limit is skipped, never a 429 for all.
RATELIMIT_FAIL_OPEN = True

# The API's page size has a ceiling: a huge ?limit= is a 422, not a slow or failing query.
NINJA_PAGINATION_MAX_LIMIT = 200
NINJA_PAGINATION_CLASS = "unknot.api.pagination.Pagination"

# Two-factor (TOTP and recovery codes).
OTP_TOTP_ISSUER = "Unknot"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Content Security Policy: nothing inline, nothing from elsewhere (ADR 0005).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Sessions live in the database (shared by every app server) and end after 12 hours.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = e.env.int("UNKNOT_SESSION_HOURS", default=12) * 3600
CSRF_COOKIE_HTTPONLY = True  # pages pass the token in the form or the hx-headers attribute
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# One process (dev, tests) needs no shared cache; production configures memcached (prod.py).
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# --- The person's own account security (issue 12: findings 4, 9, 11-14) ---------------------
# API tokens last 30 days unless asked for less; never more than the ceiling.
UNKNOT_API_TOKEN_DAYS = e.env.int("UNKNOT_API_TOKEN_DAYS", default=30)
UNKNOT_API_TOKEN_MAX_DAYS = e.env.int("UNKNOT_API_TOKEN_MAX_DAYS", default=90)
# Sensitive actions (two-factor off, new recovery codes, email or password change, export,
# closing the account) need the password (and second factor) again within this many minutes.
UNKNOT_REAUTH_MINUTES = e.env.int("UNKNOT_REAUTH_MINUTES", default=10)
# Links sent by email to confirm a sign-up or a new email address stop working after this.
UNKNOT_EMAIL_LINK_HOURS = e.env.int("UNKNOT_EMAIL_LINK_HOURS", default=24)
# Failed credential checks (password or second-factor code) per client address, across every
# account: stops password spraying, which the per-(email, address) lock-out does not see.
UNKNOT_RATE_LIMITS["sign-in"] = e.env.str("UNKNOT_RATE_SIGN_IN_FAILURES", default="30/h")

# Payments: each practice enters its own Stripe keys. UNKNOT_STRIPE_API_BASE points the SDK at
# another Stripe-compatible server (localstripe in tests and the demo); empty means Stripe.
UNKNOT_STRIPE_API_BASE = e.env.str("UNKNOT_STRIPE_API_BASE", default="")
UNKNOT_STRIPE_JS_URL = e.env.str(
    "UNKNOT_STRIPE_JS_URL",
    default=(UNKNOT_STRIPE_API_BASE.rstrip("/") + "/js.stripe.com/v3/")
    if UNKNOT_STRIPE_API_BASE
    else "https://js.stripe.com/v3/",
)
