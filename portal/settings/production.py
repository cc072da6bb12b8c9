"""Production settings: everything secret or host-specific comes from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, IS_WORKER, MOLLIE_SANDBOX, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY in the environment.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS in the environment (comma-separated).")
if "DATABASE_URL" not in env.ENVIRON:
    raise ImproperlyConfigured("Set DATABASE_URL in the environment (PostgreSQL).")
if MOLLIE_SANDBOX:
    raise ImproperlyConfigured("MOLLIE_SANDBOX is for the demo only; unset it in production.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only and Path=/.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Keep database connections between requests: opening one costs several milliseconds per
# request (measured in docs/benchmarks.md). Health checks drop connections that went away.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# The worker forks its processes, which Django's native connection pool does not survive (a
# task ran twice in a test): whatever the web uses, `qcluster` opens plain connections.
if IS_WORKER:
    DATABASES["default"].get("OPTIONS", {}).pop("pool", None)
