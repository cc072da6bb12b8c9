"""Rendering an invoice's PDF of one and of three pages, as the worker does (pure renderer).

The invoice is the big client's with the most lines (ten at most in the seed), read from the
benchmark data; the three-page one is the same invoice with 50 lines built in memory, like
the 50-line invoice of `bench/pdf.py` (which times rendering on a database of its own, with a
logo). Nothing is written: the renderer only reads.
"""

import io
from decimal import Decimal

from django.db.models import Count

from bench.registry import Context, Operation, scenario
from billing.models import Invoice, InvoiceLine
from billing.money import quantize
from billing.pdf import invoice_pdf_render

THREE_PAGE_LINES = 50


def _invoice_with_lines(ctx: Context, count: int | None) -> Invoice:
    """Return the big client's issued invoice with the most lines; `count` lines in memory if set.

    Totals and VAT rows are the stored invoice's; the renderer lays out whatever it is given.
    """
    invoice = (
        Invoice.objects.filter(client_id=ctx.facts.big_client_id)
        .exclude(status=Invoice.Status.DRAFT)
        .select_related("issuer", "client")
        .annotate(line_count=Count("lines"))
        .order_by("-line_count", "-id")
        .first()
    )
    if invoice is None:
        raise RuntimeError("the big client has no issued invoice")
    stored = list(invoice.lines.order_by("position"))
    if count is None:
        invoice._prefetched_objects_cache = {"lines": stored}  # type: ignore[attr-defined]
        return invoice
    lines = [
        InvoiceLine(
            invoice=invoice,
            position=n + 1,
            description=f"Design work, iteration {n}: wireframes, review and changes",
            quantity=Decimal(1 + n % 4),
            unit=stored[0].unit if stored else "",
            unit_price=Decimal("85.00") + n,
            vat_rate=Decimal("21") if n % 3 else Decimal("9"),
            net_amount=quantize(Decimal(1 + n % 4) * (Decimal("85.00") + n), invoice.currency),
        )
        for n in range(count)
    ]
    invoice._prefetched_objects_cache = {"lines": lines}  # type: ignore[attr-defined]
    return invoice


def _pages(content: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(content)).pages)


def _render(ctx: Context, lines: int | None) -> Operation:
    invoice = _invoice_with_lines(ctx, lines)
    pages = _pages(invoice_pdf_render(invoice))
    count = len(invoice.lines.all())
    print(f"    (invoice {invoice.number}: {count} lines render {pages} page(s))", flush=True)
    return lambda: invoice_pdf_render(invoice)


@scenario("pdf: render, 1 page", group="pdf", iterations=20)
def render_one_page(ctx: Context) -> Operation:
    return _render(ctx, None)


@scenario("pdf: render, 3 pages", group="pdf", iterations=8)
def render_three_pages(ctx: Context) -> Operation:
    return _render(ctx, THREE_PAGE_LINES)
