"""Template helpers of the client portal: branding, labels, links and sortable columns."""

import datetime
import functools
import uuid
from typing import Any

from django import template
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse

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
def status_label(invoice: Invoice) -> str:
    """{{ invoice|status_label }}: `get_status_display` without rebuilding the choices each call."""
    return str(Invoice.Status(invoice.status).label)


# A key no document has: reversed once per URL name, then replaced by each row's key.
_KEY_PLACEHOLDER = str(uuid.UUID(int=0))


@functools.lru_cache(maxsize=64)
def _url_with_placeholder(name: str, prefix: str, urlconf: str | None) -> str:
    return reverse(name, args=[_KEY_PLACEHOLDER], urlconf=urlconf)


@register.simple_tag
def key_url(name: str, key: uuid.UUID) -> str:
    """{% key_url "portal:invoice_detail" invoice.key %}: `{% url %}` for a URL taking one key.

    A list page links every row two or three times; reversing costs ~40 µs each time.
    """
    pattern = _url_with_placeholder(name, get_script_prefix(), get_urlconf())
    return pattern.replace(_KEY_PLACEHOLDER, str(uuid.UUID(str(key))))


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


@register.filter
def starts_with(path: str, prefix: str) -> bool:
    """Whether `path` lies under `prefix` (the menu marks the section a page belongs to)."""
    return bool(prefix) and str(path).startswith(str(prefix))
