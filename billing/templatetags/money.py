from decimal import Decimal

from django import template

from billing.money import format_money, format_unit_price

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str = "EUR") -> str:
    """Format an amount for the active language: {{ invoice.total|money:invoice.currency }}."""
    if amount is None or amount == "":
        return ""
    return format_money(Decimal(amount), currency)


@register.filter
def unit_price(amount: Decimal | None, currency: str = "EUR") -> str:
    """Format a unit price, which may have more decimals than the currency: € 0,1234."""
    if amount is None or amount == "":
        return ""
    return format_unit_price(Decimal(amount), currency)
