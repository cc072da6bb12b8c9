"""Pure renderers: an invoice or credit note in, the bytes of its PDF out.

Rendering is in the client's language. Nothing is fetched except `data:` URIs and static
files (see `fetcher.py`); every text a person typed goes through Django's autoescaping.
"""

import atexit
import base64
import functools
import gc
import logging
import mimetypes
import threading
from typing import Any

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import translation
from schwifty.exceptions import SchwiftyException
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from billing.models import CreditNote, Invoice, Issuer
from billing.models.document import BillingDocument
from billing.models.issuer import hex_colour
from billing.money import vat_groups

from .fetcher import StaticOnlyURLFetcher, static_base_url
from .qr import epc_qr_data_uri

logger = logging.getLogger(__name__)

DEFAULT_BRAND_COLOUR = "#1f4e79"
LOGO_TYPES = {"image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp"}
LOGO_MAX_BYTES = 2 * 1024 * 1024


class _Kit(threading.local):
    """What every render reuses, built once per thread: fonts and the parsed stylesheet.

    A FontConfiguration costs ~40 ms to build; Pango objects are not shared between threads.
    """

    def __init__(self) -> None:
        self.font_config = FontConfiguration()
        self.stylesheet = CSS(string=render_to_string("pdf/pdf.css"), font_config=self.font_config)
        self.fetcher = StaticOnlyURLFetcher()
        self.base_url = static_base_url()


@functools.cache
def _kit() -> _Kit:
    return _Kit()


@atexit.register
def _kit_release() -> None:
    # Pango objects must be freed while the interpreter still has Pango loaded: left to the
    # last garbage collection at exit, they can crash the process (segmentation fault).
    _kit.cache_clear()
    gc.collect()


def _brand_colour(issuer: Issuer) -> str:
    """Return the issuer's colour if it is a plain #rrggbb (it ends up inside CSS)."""
    try:
        hex_colour(issuer.brand_color)
    except ValidationError:
        return DEFAULT_BRAND_COLOUR
    return issuer.brand_color


def _logo_data_uri(issuer: Issuer) -> str | None:
    """Return the issuer's logo as a `data:` URI, read through the storage API, or None."""
    if not issuer.logo:
        return None
    content_type = mimetypes.guess_type(issuer.logo.name)[0]
    if content_type not in LOGO_TYPES:
        logger.warning(
            "Logo %s of issuer %s is not an image; left out", issuer.logo.name, issuer.pk
        )
        return None
    try:
        with issuer.logo.open("rb") as logo:
            data = logo.read(LOGO_MAX_BYTES + 1)
    except OSError:
        logger.warning("Logo %s of issuer %s cannot be read; left out", issuer.logo.name, issuer.pk)
        return None
    if len(data) > LOGO_MAX_BYTES:
        logger.warning("Logo of issuer %s is larger than 2 MB; left out", issuer.pk)
        return None
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def _iban(issuer: Issuer) -> str:
    """Return the IBAN grouped in fours, or as entered if it does not validate."""
    try:
        return issuer.iban_display
    except SchwiftyException:
        return issuer.iban


def _context(document: BillingDocument, *, draft: bool) -> dict[str, Any]:
    lines = list(document.lines.all())  # type: ignore[attr-defined]
    issuer = document.issuer
    return {
        "document": document,
        "issuer": issuer,
        "client": document.client,
        "lines": lines,
        "vat_groups": vat_groups(
            ((line.net_amount, line.vat_rate) for line in lines), document.currency
        ),
        "iban": _iban(issuer),
        "brand_colour": _brand_colour(issuer),
        "logo": _logo_data_uri(issuer),
        "draft": draft,
    }


def _write_pdf(template: str, context: dict[str, Any], language: str) -> bytes:
    kit = _kit()
    with translation.override(language):
        html = render_to_string(template, context)
    document = HTML(string=html, base_url=kit.base_url, url_fetcher=kit.fetcher)
    return bytes(document.write_pdf(stylesheets=[kit.stylesheet], font_config=kit.font_config))


def invoice_pdf_render(invoice: Invoice, *, draft: bool = False) -> bytes:
    """Render an invoice as PDF; a draft is watermarked DRAFT and carries no number."""
    context = _context(invoice, draft=draft)
    context["qr"] = None if draft else epc_qr_data_uri(invoice)
    if invoice.issue_date and invoice.due_date:
        context["terms_days"] = (invoice.due_date - invoice.issue_date).days
    elif invoice.payment_terms_days is not None:
        context["terms_days"] = invoice.payment_terms_days
    else:
        context["terms_days"] = invoice.client.payment_terms_days
    return _write_pdf("pdf/invoice.html", context, invoice.client.language)


def credit_note_pdf_render(credit_note: CreditNote) -> bytes:
    """Render a credit note as PDF, naming the invoice it corrects."""
    context = _context(credit_note, draft=False)
    context["invoice"] = credit_note.invoice
    return _write_pdf("pdf/credit_note.html", context, credit_note.client.language)
