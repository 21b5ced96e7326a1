"""Kindred settings, configured only through environment variables.

With no variables at all this is the embedded default: SQLite in ``var/``, an
in-memory channel layer, a SQLite-backed task queue run inside the server
process. Production sets ``DATABASE_URL``, ``REDIS_URL``, ``SECRET_KEY``,
``KINDRED_ENCRYPTION_KEYS`` and ``ALLOWED_HOSTS`` (see README).
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from kindred.devsecrets import dev_encryption_keys, dev_secret_key
from kindred.env import (
    env_bool,
    env_int,
    env_list,
    env_networks,
    env_rate_limits,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("KINDRED_VAR_DIR") or BASE_DIR / "var")

DEBUG = env_bool("DEBUG", False)
# Demo mode seeds well-known passwords and TOTP secrets: never outside DEBUG.
DEMO_MODE = DEBUG and env_bool("KINDRED_DEMO", True)

SECRET_KEY = env_str("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = dev_secret_key(VAR_DIR)

# Comma-separated Fernet keys; the first encrypts, all decrypt (rotation).
ENCRYPTION_KEYS = env_list("KINDRED_ENCRYPTION_KEYS")
if not ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("KINDRED_ENCRYPTION_KEYS must be set when DEBUG is off.")
    ENCRYPTION_KEYS = [dev_encryption_keys(VAR_DIR)]

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000") or ""
SITE_NAME = "Kindred"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "csp",
    "huey.contrib.djhuey",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "kindred.core",
    "kindred.accounts",
    "kindred.audit",
    "kindred.safety",
    "kindred.api",
    "kindred.community",
    "kindred.rooms",
    "kindred.groups",
    "kindred.peers",
    "kindred.therapy",
    "kindred.bookings",
    "kindred.clinical",
    "kindred.plans",
    "kindred.messaging",
    "kindred.measures",
    # Consent sits below every app that shares or ends grants and imports none of them;
    # listed next to care so the account-closed handlers keep their order.
    "kindred.consent",
    "kindred.care",
    "kindred.guide",
    # Above the feature apps whose questions it composes (the signed-in home).
    "kindred.today",
    # Above every feature app: export and deletion read and remove each app's data.
    "kindred.rights",
    # Last: it depends on every app above (the demo data command).
    "kindred.demo",
]

MIDDLEWARE = [
    # First: its time and status cover every other middleware (see kindred/core/requestlog.py).
    "kindred.core.requestlog.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kindred.core.headers.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kindred.core.ids.IdRangeMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "kindred.accounts.middleware.RoleMFAMiddleware",
    "kindred.accounts.middleware.AgeBandMiddleware",
    "kindred.accounts.middleware.TimeZoneMiddleware",
]

ROOT_URLCONF = "kindred.urls"
ASGI_APPLICATION = "kindred.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kindred" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kindred.core.context_processors.site",
                "kindred.navigation.nav",
            ],
        },
    },
    {
        # Hot loops only (the posts of a thread page): Jinja2 renders them several
        # times faster than Django templates. Pages themselves stay Django templates.
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "kindred" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "kindred.core.jinja.environment",
            "autoescape": True,
            "trim_blocks": True,
            "lstrip_blocks": True,
        },
    },
]

# --- Data stores -------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kindred.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_POOL", True):
    # A connection pool per process (psycopg_pool): under ASGI, Django's persistent
    # connections are not reused between requests, and a new connection costs ~5 ms.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DB_POOL_MIN", 2),
        "max_size": env_int("DB_POOL_MAX", 10),
        "timeout": 10,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two writers never both read a
    # row (the audit chain head, a booking slot) before one of them writes it.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL") or ""
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CHANNEL_LAYERS = {
        "default": {
            # Pub/sub publishes once per group and fans out inside each process, where
            # the core layer copies it into one Redis list per socket (rooms benchmark
            # in BENCHMARKS.md).
            # Nothing relies on the layer keeping a message: rooms catch up from the
            # database by seq, notifications from the next page load.
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            # Room messages cross Redis; keep them unreadable there.
            "CONFIG": {"hosts": [REDIS_URL], "symmetric_encryption_keys": [SECRET_KEY]},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Tasks: Redis in production; a SQLite queue consumed inside the server process
# on the embedded default (see kindred.core.management.commands.serve).
TASKS_INPROCESS = env_bool("KINDRED_INPROCESS_TASKS", not REDIS_URL)
TASK_WORKERS = env_int("KINDRED_TASK_WORKERS", 2)
if REDIS_URL:
    HUEY = {
        "name": "kindred",
        "huey_class": "kindred.core.taskqueue.KindredRedisHuey",
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": TASK_WORKERS, "worker_type": "thread"},
    }
else:
    HUEY = {
        "name": "kindred",
        "huey_class": "kindred.core.taskqueue.KindredSqliteHuey",
        "filename": str(VAR_DIR / "tasks.sqlite3"),
        "immediate": False,
        "consumer": {"workers": TASK_WORKERS, "worker_type": "thread"},
    }

# /healthz answers 503 when a task has been due for longer than this without being taken:
# workers are alive but too few or stuck, and escalations run late.
TASK_QUEUE_AGE_LIMIT = env_int("KINDRED_TASK_QUEUE_AGE_LIMIT", 120)

# --- Accounts ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "kindred.accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "kindred.accounts.adapter.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Following the link in the sign-up e-mail signs the person in, in the browser they signed
# up in (allauth keeps the pending login only in that session). It goes through allauth's
# login stages, so an account with a second factor still asks for it, and the MFA gate
# (RoleMFAMiddleware) still sends a gated role without one to set it up.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Rates are set with the others under "Rate limits" below (allauth reads this name).
# Sign-up is refused to anyone younger (by the date of birth they give).
MINIMUM_AGE = env_int("MINIMUM_AGE", 13)
if not 13 <= MINIMUM_AGE <= 18:
    raise ImproperlyConfigured("MINIMUM_AGE must be from 13 to 18.")
MFA_ADAPTER = "kindred.accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
# Roles whose pages hold clinical data or moderation power need a second factor.
MFA_REQUIRED_ROLES = {"therapist", "moderator", "staff"}

# --- Rate limits (kindred.core.ratelimit; docs in README) ----------------------
# "amount/period/per", comma-separated, every part must pass; per = user (the signed-in
# account), ip (the client address, see TRUSTED_PROXIES) or key (the e-mail typed into a
# form). An empty value switches that limit off. KINDRED_RATE_LIMITS overrides any of
# them: "api=300/m/user;community.reply=10/10m/user".
_RATE_LIMITS = env_rate_limits(
    "KINDRED_RATE_LIMITS",
    {
        # The whole API: per account (its tokens and its session share one budget, so
        # making more tokens buys nothing), and per address for visitors.
        "api": "120/m/user",
        "api.anonymous": "60/m/ip",
        # Wrong, revoked or expired bearer tokens, per address: guessing is slowed long
        # before it could matter (a secret has 256 bits).
        "api.token_failed": "20/10m/ip",
        "tokens.create": "10/h/user",
        "community.thread": "10/h/user,30/h/ip",
        "community.reply": "20/10m/user,60/10m/ip",
        "peers.request": "10/h/user,30/h/ip",
        "messaging.message": "30/10m/user,90/10m/ip",
        # A member's data export (kindred.rights): building one reads everything they have.
        "rights.export": "5/h/user,20/d/user",
        # Failed logins for one account from addresses it has never signed in from,
        # whoever sends them (kindred.accounts.adapter explains the trade-off).
        "login.unknown_address": "30/h/key",
        # allauth's own limits (ACCOUNT_RATE_LIMITS). login_failed's "key" is the account
        # *and* the address for passwords (our adapter adds the address), the account
        # alone for second-factor codes, so a stranger cannot lock a named person out.
        "account.login_failed": "30/5m/ip,5/5m/key",
        # allauth's limit on every login attempt per address adds nothing to the one on
        # failures, and it would turn a Redis outage into an error on the login page.
        "account.login": "",
        "account.signup": "20/h/ip",
        "account.reset_password": "10/h/ip,5/h/key",
    },
)
RATE_LIMITS = {k: v for k, v in _RATE_LIMITS.items() if not k.startswith("account.")}
ACCOUNT_RATE_LIMITS = {
    k.removeprefix("account."): v for k, v in _RATE_LIMITS.items() if k.startswith("account.")
}

# --- Email -------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost") or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "") or ""
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds an SMTP connect, read or write may take. Mail goes out from its own retried
# task (kindred.core.mail), so a hung server delays mail only, never a page or an
# escalation; without a timeout it would hold a task thread for good.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
# E-mails a task worker process tries to send at once. Fewer than its task threads, so
# that mail on a freshly hung server (before the first timeout pauses mail) can never
# hold every thread: one is always free for an escalation. A mail task that finds every
# slot taken puts itself back on the queue for a few seconds instead of waiting.
MAIL_CONCURRENCY = env_int("KINDRED_MAIL_CONCURRENCY", max(1, TASK_WORKERS - 1))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Kindred <no-reply@localhost>") or ""
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
# Where `makemessages` writes a new language's catalogue (README: "Words for people").
LOCALE_PATHS = [BASE_DIR / "kindred" / "locale"]
TIME_ZONE = "UTC"
# One way to write dates and times per language (kindred/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["kindred.formats"]
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "kindred" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Security ----------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# Addresses or networks whose X-Forwarded-For is believed: the client address is the
# nearest address in that header that is not one of them (kindred.core.clientip), and
# `kindred serve` gives uvicorn the same list. Empty: REMOTE_ADDR, whatever the headers.
# Behind a proxy on the same machine, the loopback addresses, as uvicorn did before.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES", ["127.0.0.1", "::1"] if BEHIND_PROXY else [])
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "kindred.core.errors.csrf_failure"
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 1_000_000)
# Everything is served by the app itself: no third-party scripts, fonts or pixels.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for the TOTP QR code that allauth renders inline.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# Browser features the site never uses, turned off for our pages and anything they embed
# (django-permissions-policy sends the header).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "browsing-topics": [],
    "camera": [],
    "geolocation": [],
    "interest-cohort": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}
# Error reports must never carry what people wrote (clinical or not).
DEFAULT_EXCEPTION_REPORTER_FILTER = "kindred.core.logging.RedactingExceptionReporterFilter"

# --- Logging -----------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO") or "INFO"
# One redacted line per request (kindred.core.requestlog); uvicorn's own access log,
# which writes secrets and search terms, is off.
ACCESS_LOG = env_bool("ACCESS_LOG", True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "kindred.core.logging.RedactFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.db.backends": {"level": "WARNING"},
        "huey": {"level": "WARNING"},
        "kindred.access": {"level": "INFO" if ACCESS_LOG else "WARNING"},
    },
}

# --- Kindred -----------------------------------------------------------------
KINDRED_DEFAULT_COUNTRY = env_str("KINDRED_DEFAULT_COUNTRY", "") or ""
# Whole-page cache of community pages for anonymous readers (kindred.community.pagecache).
COMMUNITY_PAGE_CACHE = env_bool("KINDRED_PAGE_CACHE", True)
API_TOKEN_PREFIX = "kdr"  # noqa: S105 - a public prefix, not a secret
# The longest an API token lives, and how long one lives when its maker picks no date:
# a token copied into a script or a log must not stay a way in for good.
API_TOKEN_MAX_AGE_DAYS = env_int("API_TOKEN_MAX_AGE_DAYS", 90)
if API_TOKEN_MAX_AGE_DAYS < 1:
    raise ImproperlyConfigured("API_TOKEN_MAX_AGE_DAYS must be 1 or more.")

# --- Safety pathway (see docs/safety-policy.md) --------------------------------
# A flag nobody has acknowledged after this many seconds escalates to staff.
SAFETY_ESCALATE_AFTER_SECONDS = {
    "high": env_int("KINDRED_ESCALATE_HIGH_SECONDS", 300),
    "moderate": env_int("KINDRED_ESCALATE_MODERATE_SECONDS", 1800),
}
# A member may send this many reports an hour; more are refused with a clear message
# (HTTP 429). Reports of something already reported join its open flag either way.
SAFETY_REPORTS_PER_HOUR = env_int("KINDRED_REPORTS_PER_HOUR", 5)
if SAFETY_REPORTS_PER_HOUR < 1:
    raise ImproperlyConfigured("KINDRED_REPORTS_PER_HOUR must be 1 or more.")
# What happens to text at each level, per area: "show" (visible, writer sees support,
# flag raised) or "hold" (hidden from others until a moderator reviews it).
SAFETY_POLICIES = {
    "default": {"moderate": "show", "high": "show"},
    # Forum posts stay up for days and reach many readers: hold plan/means details.
    "community": {"moderate": "show", "high": "hold"},
    # Live rooms have a facilitator present and a hidden message breaks the conversation.
    "groups": {"moderate": "show", "high": "show"},
    "peers": {"moderate": "show", "high": "show"},
    "therapy": {"moderate": "show", "high": "show"},
}

# --- Bookings --------------------------------------------------------------------
# Cancelling later than this before the start is recorded as a late cancellation.
BOOKING_NOTICE_HOURS = env_int("BOOKING_NOTICE_HOURS", 24)
# Reminders (email + in-app), in minutes before the start.
BOOKING_REMINDER_MINUTES = tuple(
    int(m) for m in env_list("BOOKING_REMINDER_MINUTES", ["1440", "60"])
)
# A therapist treats a member while a session is booked ahead or one was attended within
# this many days; past it their default access (results, plans, notes, messages) stops
# and what the member shared with them ends (daily task). 180: two quarterly reviews.
THERAPY_ACCESS_LAPSE_DAYS = env_int("THERAPY_ACCESS_LAPSE_DAYS", 180)
if THERAPY_ACCESS_LAPSE_DAYS < 1:
    raise ImproperlyConfigured("THERAPY_ACCESS_LAPSE_DAYS must be 1 or more.")
# Video-session link for the two participants, e.g. https://meet.example.org/kindred-{booking_id}-{secret}
SESSION_LINK_TEMPLATE = env_str("SESSION_LINK_TEMPLATE", "") or ""

# --- Groups ----------------------------------------------------------------------
# Reminders (email + in-app), in minutes before a group session starts.
GROUP_REMINDER_MINUTES = tuple(int(m) for m in env_list("GROUP_REMINDER_MINUTES", ["1440", "60"]))
# How far ahead recurring sessions are created as rows (sign-up, reminders, feeds).
GROUPS_SESSION_HORIZON_DAYS = env_int("GROUPS_SESSION_HORIZON_DAYS", 28)
# The facilitator may open the room this long before the start.
GROUPS_ROOM_OPENS_MINUTES_BEFORE = env_int("GROUPS_ROOM_OPENS_MINUTES_BEFORE", 60)
# A room left open after its end is closed automatically after this long.
GROUPS_ROOM_GRACE_MINUTES = env_int("GROUPS_ROOM_GRACE_MINUTES", 30)
# Group-session messages are deleted this many days after the session ends.
GROUPS_ROOM_RETENTION_DAYS = env_int("GROUPS_ROOM_RETENTION_DAYS", 7)

# --- Retention (docs/retention.md: every kind of data and its period) -------------
# Periods in days, applied by one daily task (kindred.rights.retention_tasks). Room
# messages keep their older names: ROOM_RETENTION_DAYS (kindred.rooms.conf) and
# GROUPS_ROOM_RETENTION_DAYS above.
RETENTION_DRAFTS_DAYS = env_int("RETENTION_DRAFTS_DAYS", 30)
RETENTION_NOTIFICATIONS_DAYS = env_int("RETENTION_NOTIFICATIONS_DAYS", 90)
RETENTION_RESOLVED_FLAGS_DAYS = env_int("RETENTION_RESOLVED_FLAGS_DAYS", 365)
RETENTION_SUPPORT_MESSAGES_DAYS = env_int("RETENTION_SUPPORT_MESSAGES_DAYS", 365)
RETENTION_ENDED_TOKENS_DAYS = env_int("RETENTION_ENDED_TOKENS_DAYS", 30)
for _name in (
    "RETENTION_DRAFTS_DAYS",
    "RETENTION_NOTIFICATIONS_DAYS",
    "RETENTION_RESOLVED_FLAGS_DAYS",
    "RETENTION_SUPPORT_MESSAGES_DAYS",
    "RETENTION_ENDED_TOKENS_DAYS",
    "GROUPS_ROOM_RETENTION_DAYS",
):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be 1 or more.")

# --- Data export (kindred.rights, docs/data-export.md) --------------------------
# An account with more rows than this gets its export built by a task and a link that
# works for EXPORT_LINK_HOURS; a smaller one downloads at once.
EXPORT_DIRECT_MAX_ROWS = env_int("KINDRED_EXPORT_DIRECT_MAX_ROWS", 2000)
EXPORT_LINK_HOURS = env_int("KINDRED_EXPORT_LINK_HOURS", 24)
if EXPORT_LINK_HOURS < 1:
    raise ImproperlyConfigured("KINDRED_EXPORT_LINK_HOURS must be 1 or more.")
EXPORT_DIR = VAR_DIR / "exports"

# --- Account deletion (kindred.rights) ----------------------------------------------
# Days between asking to delete an account and the erasure; signing in meanwhile
# offers to cancel. Staff's ``kindred delete_account --now`` skips it.
ACCOUNT_DELETION_GRACE_DAYS = env_int("ACCOUNT_DELETION_GRACE_DAYS", 7)
if ACCOUNT_DELETION_GRACE_DAYS < 0:
    raise ImproperlyConfigured("ACCOUNT_DELETION_GRACE_DAYS must be 0 or more.")
# Years clinical records (notes, questionnaire answers, plans, secure messages, past
# sessions) of a deleted account are kept before they are purged. Set it to what the
# host's law requires; 10 covers HIPAA's six years and most US states' and UK adult
# rules, not the 20 years some mental-health record codes ask (docs/account-deletion.md).
CLINICAL_RETENTION_YEARS = env_int("CLINICAL_RETENTION_YEARS", 10)
if CLINICAL_RETENTION_YEARS < 0:
    raise ImproperlyConfigured("CLINICAL_RETENTION_YEARS must be 0 or more.")
