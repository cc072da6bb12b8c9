"""Template helpers of the client portal: branding, overdue labels and sortable columns."""

import datetime
from typing import Any

from django import template
from django.http import HttpRequest

from billing.branding import Palette, palette
from billing.models import Invoice, Issuer

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_branding(context: template.Context) -> dict[str, Issuer | Palette | None]:
    """Return the issuer whose portal this is and the colours derived from its brand colour.

    A page about one issuer's document (a payment link) names it as `branding_issuer`;
    signed in, it is the current client's issuer; on the sign-in pages, the first issuer.
    """
    request: HttpRequest | None = context.get("request")
    client = getattr(request, "client", None)
    issuer = context.get("branding_issuer")
    if issuer is None:
        issuer = client.issuer if client is not None else Issuer.objects.order_by("id").first()
    return {
        "issuer": issuer,
        "palette": palette(issuer.brand_color if issuer else ""),
    }


@register.filter
def overdue_on(invoice: Invoice, today: datetime.date) -> bool:
    """{% if invoice|overdue_on:today %}: whether the invoice is overdue on that day."""
    return invoice.is_overdue(today)


@register.filter
def days_overdue_on(invoice: Invoice, today: datetime.date) -> int:
    return invoice.days_overdue(today)


@register.inclusion_tag("portal/_sort_header.html", takes_context=True)
def sort_header(
    context: template.Context, field: str, label: str, default: str = "", numeric: bool = False
) -> dict[str, Any]:
    """Render a column header that sorts by `field`, keeping the filters and going to page 1.

    `default` is the ordering in force when the URL names none.
    """
    request: HttpRequest = context["request"]
    current = request.GET.get("ordering") or default
    if current == field:
        direction, target = "ascending", f"-{field}"
    elif current == f"-{field}":
        direction, target = "descending", field
    else:
        direction, target = "", field
    query = request.GET.copy()
    query["ordering"] = target
    query.pop("page", None)
    return {"label": label, "direction": direction, "query": query.urlencode(), "numeric": numeric}
