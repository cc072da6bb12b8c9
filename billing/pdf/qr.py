"""The EPC payment QR ("GiroCode", EPC069-12) printed on EUR invoices.

The amount is the invoice total, which is what is due when the invoice is issued: the stored
PDF never changes, so a later part payment or credit note cannot be reflected in it. The
portal shows the current balance; the QR pays the invoice as issued.
"""

import logging
from decimal import Decimal

import segno
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from segno import helpers

from billing.models import Invoice

logger = logging.getLogger(__name__)

NAME_MAX = 70  # EPC069-12: beneficiary name, at most 70 characters
AMOUNT_MIN = Decimal("0.01")
AMOUNT_MAX = Decimal("999999999.99")


def epc_qr(invoice: Invoice) -> segno.QRCode | None:
    """Return the EPC QR that pays an issued EUR invoice, or None when it cannot have one."""
    issuer = invoice.issuer
    if invoice.currency != "EUR" or not issuer.iban or not invoice.number:
        return None
    if not AMOUNT_MIN <= invoice.total <= AMOUNT_MAX:
        return None
    try:
        iban = IBAN(issuer.iban).compact
        bic = str(BIC(issuer.bic)) if issuer.bic else None
    except SchwiftyException:
        logger.warning("Issuer %s has an invalid IBAN or BIC; no payment QR printed", issuer.pk)
        return None
    return helpers.make_epc_qr(
        name=(issuer.legal_name or issuer.name)[:NAME_MAX].strip(),
        iban=iban,
        bic=bic,
        amount=invoice.total,
        text=invoice.number,
        encoding="utf-8",
    )


def epc_qr_data_uri(invoice: Invoice) -> str | None:
    """Return the invoice's EPC QR as a PNG `data:` URI (one pixel per module), or None."""
    qr = epc_qr(invoice)
    if qr is None:
        return None
    # A PNG of one pixel per module, printed without smoothing, is as sharp as vector art and
    # much cheaper to render than an SVG path of every module. Quiet zone: 4 modules.
    return str(qr.png_data_uri(scale=1, border=4))
