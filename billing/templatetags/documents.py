"""Filters for printed documents: quantities, VAT rates, exact unit prices, country names."""

from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from django import template
from django.utils import translation

from billing.templatetags.money import unit_price

register = template.Library()


def _locale() -> str:
    return translation.to_locale(translation.get_language() or "en")


def _plain(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (10.000 -> 10, not 1E+1)."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral() else value


@register.filter
def quantity(value: Decimal | None) -> str:
    """Format a quantity for the active language: 2.5 (en), 2,5 (nl), 3 rather than 3.000."""
    if value is None or value == "":
        return ""
    return format_decimal(_plain(Decimal(value)), locale=_locale(), decimal_quantization=False)


@register.filter
def vat_rate(value: Decimal | None) -> str:
    """Format a VAT rate in percent: 21%, 5.5% (en), 5,5% (nl)."""
    if value is None or value == "":
        return ""
    return f"{quantity(value)}%"


# The portal's unit-price filter, so PDF templates need only this library.
register.filter("unit_price", unit_price)


@register.filter
def country_name(code: str) -> str:
    """Return the name of an ISO 3166 country in the active language, or the code."""
    try:
        return str(Locale.parse(_locale()).territories.get(code.upper(), code))
    except (UnknownLocaleError, ValueError):
        return code
