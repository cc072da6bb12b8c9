"""The client portal: invoice lists (small and big client, filtered), an invoice, its PDF.

Each list page has a floor of its own in `bench.scenarios.floors`: the same rows through
psycopg, inside the same row-level scope. The big client has 20,000 invoices at full size.
"""

import datetime
from collections.abc import Callable
from urllib.parse import urlencode

from bench.registry import Context, page
from billing.models import Invoice

# Filters of the big client's list, by scenario name: the query string a person's browser
# sends. `floor_key` names the matching floor in bench.scenarios.floors.
Query = Callable[[Context], dict[str, str]]


def _year_ago_quarter(ctx: Context) -> dict[str, str]:
    today = ctx.facts.today
    start = today - datetime.timedelta(days=365)
    return {
        "issue_date_after": start.isoformat(),
        "issue_date_before": (start + datetime.timedelta(days=91)).isoformat(),
    }


def number_fragment(ctx: Context) -> str:
    """Return the last six characters of an invoice number: what someone types from paper."""
    return ctx.facts.invoice_number[-6:]


def middle_page(ctx: Context) -> str:
    """Return a page halfway through the big client's list (page 400 of 800 at full size)."""
    issued = (
        Invoice.objects.filter(client_id=ctx.facts.big_client_id)
        .exclude(status=Invoice.Status.DRAFT)
        .count()
    )
    return str(max(1, issued // 25 // 2))


BIG_LISTS: dict[str, Query | None] = {
    "": None,
    ", status paid": lambda ctx: {"status": "paid"},
    ", overdue": lambda ctx: {"status": "overdue"},
    ", open": lambda ctx: {"status": "open"},
    ", issued in a quarter": _year_ago_quarter,
    ", number search": lambda ctx: {"number": number_fragment(ctx)},
    ", by amount": lambda ctx: {"ordering": "-total"},
    ", middle page": lambda ctx: {"page": middle_page(ctx)},
}


def list_page(name: str, user: str, query: Query | None, floor: str | None) -> None:
    def path(ctx: Context) -> str:
        return f"/invoices/?{urlencode(query(ctx))}" if query else "/invoices/"

    page(name, path, user=user, group="portal", floor=floor)


for suffix, query in BIG_LISTS.items():
    list_page(
        f"portal: invoice list, big client{suffix}",
        "big",
        query,
        f"floor: portal list SQL, big client{suffix}",
    )
list_page(
    "portal: invoice list, small client", "small", None, "floor: portal list SQL, small client"
)
list_page(
    "portal: invoice list, small client, overdue",
    "small",
    lambda ctx: {"status": "overdue"},
    "floor: portal list SQL, small client, overdue",
)

page(
    "portal: invoice detail, big client",
    lambda ctx: f"/invoices/{ctx.facts.invoice_key}/",
    user="big",
    group="portal",
)
page(
    "portal: invoice detail, small client",
    lambda ctx: f"/invoices/{ctx.facts.small_invoice_key}/",
    user="small",
    group="portal",
)


def payment_token(ctx: Context) -> str:
    return str(
        Invoice.objects.values_list("payment_token", flat=True).get(key=ctx.facts.invoice_key)
    )


# The first download renders and stores the PDF (during the warm-up); the timed ones serve it.
page(
    "portal: stored PDF download",
    lambda ctx: f"/invoices/{ctx.facts.invoice_key}/pdf/",
    user="big",
    group="pdf",
)
page(
    "pay link: stored PDF download",
    lambda ctx: f"/pay/{payment_token(ctx)}/pdf/",
    user=None,
    group="pdf",
)
page(
    "pay link: invoice page",
    lambda ctx: f"/pay/{payment_token(ctx)}/",
    user=None,
    group="portal",
)
