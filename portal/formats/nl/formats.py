"""Dutch dates: "21 november 2026" in text, "21-11-2026" in tables."""

from django.conf.locale.nl.formats import *  # noqa: F403

SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
