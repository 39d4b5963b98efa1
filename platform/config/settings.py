"""Settings, read from environment variables only (see README, "Configuration")."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_required, env_str

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(env_str("DJANGO_VAR_DIR") or BASE_DIR / "var")

DEBUG = env_bool("DJANGO_DEBUG", False)

if DEBUG:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY") or "dev-only-insecure-key-never-use-in-production"
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
else:
    SECRET_KEY = env_required(
        "DJANGO_SECRET_KEY",
        "set it to a long random string when DJANGO_DEBUG is off "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))').",
    )
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS is not set: name the host names this site answers to, "
            "comma-separated, when DJANGO_DEBUG is off (e.g. 'dialog.aachen.de')."
        )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# How many reverse proxies in front of the app append to X-Forwarded-For (core.net.client_ip).
# 0: the client address is REMOTE_ADDR and X-Forwarded-For is ignored.
TRUSTED_PROXIES = env_int("DJANGO_TRUSTED_PROXIES", 0)
if TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXIES must be 0 or more.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "core",
    "accounts",
    "notifications",
    "audit",
    "workflows",
    "workgroups",
    "projects",
    "portal",
    "votes",
    "escalations",
    "seals",
    "events",
    "publicsite",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.RequestIdMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the lockout flag the login form's authenticate() call left on the request.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DJANGO_DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # IMMEDIATE: a transaction takes the write lock when it begins, so two processes that
            # read and then write (two ballots cast at once) queue for up to `timeout` seconds
            # instead of one failing at once with "database is locked" (bench/votes_forum.py).
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
# Redis with a per-process fallback while Redis is down (core.cache): throttles and cached
# definitions lose precision during an outage, requests do not fail.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses locked-out accounts and addresses before any password is checked.
    "accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
    # A task's permissions are its project's (projects.permissions.TASK_ON_PROJECT).
    "projects.permissions.TaskPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "portal:home"
# The platform has no anonymous guardian user: anonymous visitors see public pages only.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads (seal evidence, logos) live outside the web root; views check who may read each file.
PRIVATE_MEDIA_ROOT = Path(env_str("DJANGO_PRIVATE_MEDIA_ROOT") or VAR_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
EMAIL_BACKEND = env_str("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST or not DEBUG
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Aachener Industrie-Dialog <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Retry for as long as the broker is away (the default gives up after 100 tries, about 50 minutes,
# and the worker exits); consumer start then queues a sweep (config/celery.py).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
from celery.schedules import crontab  # noqa: E402 - only the beat schedule needs it

CELERY_BEAT_SCHEDULE: dict = {
    # Queues again what stayed pending (broker down, lost task, killed worker); see notifications.delivery.
    "notifications-sweep": {
        "task": "notifications.sweep",
        "schedule": 60.0,
        "options": {"expire_seconds": 50},
    },
    "notifications-daily-digest": {
        "task": "notifications.digests_send",
        "schedule": crontab(hour=7, minute=0),
    },
    # Each reminder goes out once per day however often this runs (notifications.reminders).
    "notifications-reminders": {
        "task": "notifications.reminders_send",
        "schedule": crontab(hour="7-19", minute=15),
        "options": {"expire_seconds": 1800},
    },
}
# State deadlines of workflows: each reminder once per state entry, however often this runs.
CELERY_BEAT_SCHEDULE["workflows-check-deadlines"] = {
    "task": "workflows.tasks.workflows_check_deadlines",
    "schedule": crontab(minute=40),
    "options": {"expire_seconds": 3000},
}
# Invitations: the mail outbox for addresses without an account, and expiry (workgroups.tasks).
INVITATION_MAX_AGE_DAYS = env_int("INVITATION_MAX_AGE_DAYS", 14)
CELERY_BEAT_SCHEDULE["workgroups-invitation-mails-sweep"] = {
    "task": "workgroups.invitation_mails_sweep",
    "schedule": 60.0,
    "options": {"expire_seconds": 50},
}
# Votes: each close is queued for its time when the vote opens; this catches any that were lost.
CELERY_BEAT_SCHEDULE["votes-sweep"] = {
    "task": "votes.sweep",
    "schedule": 60.0,
    "options": {"expire_seconds": 50},
}
# The seal „Made in Aachen": validity, evidence size, and the daily expiry notice (seals.tasks).
SEAL_VALIDITY_DAYS = env_int("SEAL_VALIDITY_DAYS", 730)
SEAL_EVIDENCE_MAX_BYTES = env_int("SEAL_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
CELERY_BEAT_SCHEDULE["seals-expire"] = {
    "task": "seals.expire",
    "schedule": crontab(hour=0, minute=20),
    "options": {"expire_seconds": 3600},
}
# Events: the mail outbox for invited guests (events.tasks).
CELERY_BEAT_SCHEDULE["events-guest-mails-sweep"] = {
    "task": "events.guest_mails_sweep",
    "schedule": 60.0,
    "options": {"expire_seconds": 50},
}
CELERY_BEAT_SCHEDULE["workgroups-invitations-expire"] = {
    "task": "workgroups.invitations_expire",
    "schedule": crontab(minute=5),
    "options": {"expire_seconds": 3000},
}

# Sign-in throttling (django-axes, attempts stored in the database so it works without Redis):
# after LOGIN_FAILURE_LIMIT failed sign-ins for one account, or from one client address, further
# attempts are refused for LOGIN_LOCKOUT_MINUTES (counted from the last failure).
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.throttling.axes_username"
AXES_CLIENT_IP_CALLABLE = "core.net.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"
AXES_VERBOSE = False
# Failures are what the lockout needs; a row per successful sign-in would only grow.
AXES_DISABLE_ACCESS_LOG = True
# Password-reset mails: at most this many per client address and per e-mail address each hour.
PASSWORD_RESET_LIMIT_PER_HOUR = env_int("DJANGO_PASSWORD_RESET_LIMIT", 5)

# JSON request bodies nested deeper than this are refused with a 400 (core.parsers).
JSON_MAX_DEPTH = env_int("DJANGO_JSON_MAX_DEPTH", 32)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # DRF's own address lookup trusts the same number of proxies as core.net.client_ip.
    "NUM_PROXIES": TRUSTED_PROXIES,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Aachener Industrie-Dialog API",
    "DESCRIPTION": "Working groups, projects, workflows and notifications of the Aachen industry dialogue.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "workgroups.models.Role",
        "TaskStatusEnum": "projects.models.Task.Status",
        "InvitationStatusEnum": "workgroups.models.Invitation.Status",
        "VoteStatusEnum": "votes.models.Vote.Status",
        "SealDecisionEnum": "seals.models.Decision",
        "SealStatusEnum": "seals.models.Seal.Status",
        "OrganisationKindEnum": "accounts.models.Organisation.Kind",
        "ReportStatusEnum": "reports.models.Report.Status",
    },
}

API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", DEBUG)

# Scripts and styles from this origin only (no inline code); see core.middleware.
CSP_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    if env_bool("DJANGO_CSP", True)
    else ""
)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=()"
)

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Health probes from the container runtime speak plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "core.logging.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        "celery.app.trace": {"level": "WARNING"},
        "kombu": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}
