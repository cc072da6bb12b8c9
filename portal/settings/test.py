"""Settings for the test suite: PostgreSQL, as production runs."""

from .base import *  # noqa: F403
from .base import BASE_DIR, Q_CLUSTER, env

SECRET_KEY = "test-secret-key"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/portal"),
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = env("TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
EMAIL_HOST = env("TEST_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("TEST_EMAIL_PORT", default=25)
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
# Tasks run in-process; the integration test that starts a real cluster turns this off.
Q_CLUSTER = {**Q_CLUSTER, "sync": env.bool("Q_SYNC", default=True)}
SMS_BACKEND = "chasing.sms.LocmemSmsBackend"

# django-axes refuses `authenticate()` without a request, which many tests call; the sign-in
# throttling tests switch it on with the `axes_on` fixture.
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AXES_ENABLED = False

# Mollie is answered at the HTTP layer by tests/mollie_fake.py on this (unreachable) host.
MOLLIE_API_KEY = "test_portaltestsuite0000000000000"
MOLLIE_API_ENDPOINT = "https://api.mollie.test"
MOLLIE_SANDBOX = False
