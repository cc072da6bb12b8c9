"""Payment links: an unguessable token per invoice opens its pay page without a password."""

from django.db import transaction

from accounts.audit import Actor, audit_record
from billing.models import Invoice
from billing.models.invoice import new_payment_token
from billing.services.ledger import invoice_lock

# Tokens are 43 characters of URL-safe base64; anything else is not worth a query.
TOKEN_LENGTH = 43


def invoice_for_payment_token(token: str) -> Invoice | None:
    """Return the issued invoice a payment-link token opens, or None for any other token."""
    if len(token) != TOKEN_LENGTH:
        return None
    return (
        Invoice.objects.exclude(status=Invoice.Status.DRAFT)
        .select_related("client", "issuer")
        .filter(payment_token=token)
        .first()
    )


@transaction.atomic
def invoice_payment_link_rotate(*, invoice: Invoice, by: Actor) -> Invoice:
    """Give the invoice a new payment link; the old one stops working at once."""
    invoice = invoice_lock(invoice)
    invoice.payment_token = new_payment_token()
    invoice.save(update_fields=["payment_token", "updated_at"])
    audit_record(
        action="invoice.payment_link_rotated", by=by, client=invoice.client, target=invoice
    )
    return invoice
