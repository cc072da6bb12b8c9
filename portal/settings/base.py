"""Settings shared by every environment; values come from the environment (12-factor)."""

import datetime
import sys
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "accounts.apps.StaffAdminConfig",  # django.contrib.admin with two-factor sign-in for staff
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_q",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_ratelimit",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "billing",
    "chasing",
    "integrations",
]

MIDDLEWARE = [
    "portal.proxy.ForwardedForMiddleware",  # first: everything after sees the real caller
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.CurrentClientMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.AuditContextMiddleware",
    "accounts.middleware.ClientScopeMiddleware",  # a member's request sees one client's rows
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into the lockout answer
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "chasing.context_processors.unread_notifications",
            ],
        },
    },
]

# Unset DATABASE_URL means the zero-setup demo database, an SQLite file under var/.
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'demo.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's web server and worker write at the same time (the worker renders PDFs inside
    # a transaction): taking the write lock at BEGIN makes them wait instead of failing with
    # "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    # The portal list's covering index (PostgreSQL's INCLUDE) is a plain index on SQLite.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# True in the django-q2 worker process (`manage.py qcluster`).
IS_WORKER = len(sys.argv) > 1 and sys.argv[1] == "qcluster"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"

# Sign-in throttling (django-axes): 5 failed attempts for one email address from one IP address
# lock that pair out for 15 minutes; further attempts while locked out do not extend it, so the
# time the lockout message names holds. A successful sign-in resets the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# How many reverse proxies of ours stand in front of the web server (0: none, REMOTE_ADDR is
# the caller). Lockouts, rate limits and the audit trail use the address this yields.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "accounts.lockout.attempted_email"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "password", "otp_token"]

# Two-factor sign-in (django-otp, TOTP): required for staff in the back-office.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Invoice portal")

# Cookies: not readable from JavaScript, not sent on cross-site subrequests; Secure (and the
# __Host- prefix) in production. A session lasts a working day.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# Security headers. Content-Security-Policy (django-csp 4): no inline scripts anywhere; the one
# inline <style> the portal layout uses for the brand colour carries `request.csp_nonce`.
# Mollie's hosted checkout is a redirect after a form post, which form-action also governs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, "https://www.mollie.com"],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Uploaded logos: PNG, JPEG or WebP, at most this many bytes and pixels per side.
LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_PIXELS = 4000

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("nl", "Nederlands")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
# Dates read the same everywhere: "21 Nov 2026" in English, "21 november 2026" in Dutch.
FORMAT_MODULE_PATH = ["portal.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="invoices@localhost")

# The public address of the portal, used in emails, payment links and webhooks.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Online payment through Mollie. Unset key: no online payment, unless the built-in sandbox is
# on (MOLLIE_SANDBOX, for the demo only; production refuses it). MOLLIE_API_ENDPOINT is for
# pointing the client at a Mollie-compatible fake; empty means Mollie itself.
MOLLIE_API_KEY = env("MOLLIE_API_KEY", default="")
MOLLIE_API_ENDPOINT = env("MOLLIE_API_ENDPOINT", default="")
MOLLIE_SANDBOX = env.bool("MOLLIE_SANDBOX", default=False)

# Rate limits of the public payment pages (django-ratelimit) count in a cache that every web
# process shares: Redis when REDIS_URL is set (atomic counters, recommended with several web
# servers), else a table in the database, which needs no extra service. The database cache
# counts with a read and a write, so requests that arrive at the same instant may count once:
# the limit can be exceeded by at most the number of requests served in parallel. Entries live a
# day so that a count keeps its window (the window is part of the key).
REDIS_URL = env("REDIS_URL", default="")
RATELIMIT_USE_CACHE = "ratelimit"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            "TIMEOUT": 60 * 60 * 24,
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_ratelimit_cache",
            "TIMEOUT": 60 * 60 * 24,
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    ),
}
# django-ratelimit knows only the django-redis and memcached backends by name: Django's own
# Redis backend increments atomically too, and the database cache's limits are stated above.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if not REDIS_URL:
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")
# Requests to a payment link (or the page after checkout) per IP address, and per link.
PAY_RATE_PER_IP = env("PAY_RATE_PER_IP", default="30/m")
PAY_RATE_PER_LINK = env("PAY_RATE_PER_LINK", default="60/h")

# The worker: django-q2 with the Django ORM as broker. `retry` must exceed `timeout`
# and the longest task, or the broker hands a running task out a second time.
Q_CLUSTER = {
    "name": "portal",
    "workers": env.int("Q_WORKERS", default=2),
    # A task running longer is killed; the sweep and the recurring run stop themselves well
    # before (their time budgets are 60 s and 240 s) and continue on their next run.
    "timeout": 300,
    "retry": 360,
    "max_attempts": 5,
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 1000,
    "label": "Worker",
}
# The broker: the database by default; Redis when REDIS_URL is set (several worker machines).
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# Text messages (reminders with the SMS channel): a class like chasing.sms.ConsoleSmsBackend.
SMS_BACKEND = env("SMS_BACKEND", default="chasing.sms.ConsoleSmsBackend")
# How long a reminder sender holds a delivery before another sender may take it over.
REMINDER_CLAIM_SECONDS = env.int("REMINDER_CLAIM_SECONDS", default=300)

# The integration API (/api/v1/): API keys only, JSON only, errors named by field.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["integrations.api.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "integrations.api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Invoice portal API",
    "DESCRIPTION": "Create and track invoices from your ERP. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from a package, not a CDN: the Content-Security-Policy allows only 'self'.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
# WeasyPrint logs every rendering step at INFO; only its warnings matter.
LOGGING["loggers"]["weasyprint"] = {"level": "WARNING"}  # type: ignore[index]
LOGGING["loggers"]["fontTools"] = {"level": "WARNING"}  # type: ignore[index]
