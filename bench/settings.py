"""Settings of the benchmark server: the production settings, plus the empty view (a floor)."""

from portal.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
