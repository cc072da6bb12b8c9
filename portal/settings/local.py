"""Settings for the demo and local development (`make run`)."""

from .base import *  # noqa: F403
from .base import MOLLIE_API_KEY, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="demo-only-secret-key-never-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# Without Mollie credentials the demo pays through the built-in Mollie sandbox.
MOLLIE_SANDBOX = env.bool("MOLLIE_SANDBOX", default=not MOLLIE_API_KEY)
