"""What the API answers and the events carry: plain JSON-ready dicts of billing objects."""

from decimal import Decimal
from typing import Any

from accounts.models import Client
from billing.links import invoice_payment_url, invoice_pdf_url, invoice_portal_url
from billing.models import CreditNote, Invoice, Payment, PaymentAttempt


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _external_id(client: Client, source: str | None) -> str | None:
    # The links are prefetched where lists are built; read them from the cache.
    links = list(client.external_ids.all())
    for link in links:
        if source is None or link.source == source:
            return str(link.external_id)
    return None


def client_data(client: Client, *, source: str | None = None) -> dict[str, Any]:
    return {
        "id": client.pk,
        "external_id": _external_id(client, source),
        "name": client.name,
        "legal_name": client.legal_name,
        "vat_id": client.vat_id,
        "address_line1": client.address_line1,
        "address_line2": client.address_line2,
        "postal_code": client.postal_code,
        "city": client.city,
        "country": client.country,
        "billing_emails": client.billing_email_list,
        "language": client.language,
        "payment_terms_days": client.payment_terms_days,
    }


def invoice_data(
    invoice: Invoice, *, source: str | None = None, lines: bool = True
) -> dict[str, Any]:
    issued = not invoice.is_draft
    data: dict[str, Any] = {
        "id": str(invoice.key),
        "number": invoice.number,
        "external_id": invoice.external_id or None,
        "source": invoice.source or None,
        "status": invoice.status,
        "client": {
            "id": invoice.client_id,
            "external_id": _external_id(invoice.client, source),
            "name": invoice.client.name,
        },
        "currency": invoice.currency,
        "issue_date": invoice.issue_date.isoformat() if invoice.issue_date else None,
        "due_date": invoice.due_date.isoformat() if invoice.due_date else None,
        "payment_terms_days": invoice.payment_terms_days,
        "customer_reference": invoice.customer_reference,
        "subtotal": _money(invoice.subtotal),
        "vat_total": _money(invoice.vat_total),
        "total": _money(invoice.total),
        "amount_paid": _money(invoice.amount_paid),
        "amount_credited": _money(invoice.amount_credited),
        "balance": _money(invoice.balance),
        "paid_at": invoice.paid_at.isoformat() if invoice.paid_at else None,
        "portal_url": invoice_portal_url(invoice) if issued else None,
        "payment_url": invoice_payment_url(invoice) if issued else None,
        "pdf_url": invoice_pdf_url(invoice) if issued else None,
        "updated_at": invoice.updated_at.isoformat() if invoice.updated_at else None,
    }
    if lines:
        data["lines"] = [
            {
                "description": line.description,
                "quantity": str(line.quantity.normalize()),
                "unit": line.unit,
                "unit_price": str(line.unit_price.normalize()),
                "vat_rate": str(line.vat_rate.normalize()),
                "net_amount": _money(line.net_amount),
            }
            for line in invoice.lines.all()
        ]
    return data


def credit_note_data(credit_note: CreditNote) -> dict[str, Any]:
    invoice = credit_note.invoice
    return {
        "id": str(credit_note.key),
        "number": credit_note.number,
        "invoice": {
            "id": str(invoice.key),
            "number": invoice.number,
            "external_id": invoice.external_id or None,
        },
        "reason": credit_note.reason,
        "issue_date": credit_note.issue_date.isoformat() if credit_note.issue_date else None,
        "currency": credit_note.currency,
        "subtotal": _money(credit_note.subtotal),
        "vat_total": _money(credit_note.vat_total),
        "total": _money(credit_note.total),
    }


def _invoice_ref(invoice: Invoice) -> dict[str, Any]:
    """The invoice a payment or attempt belongs to, as far as the receiver needs it."""
    return {
        "id": str(invoice.key),
        "number": invoice.number,
        "external_id": invoice.external_id or None,
        "status": invoice.status,
        "balance": _money(invoice.balance),
    }


def payment_data(payment: Payment) -> dict[str, Any]:
    return {
        "id": str(payment.key),
        "kind": payment.kind,
        "amount": _money(payment.amount),
        "currency": payment.currency,
        "method": payment.method,
        "reference": payment.reference,
        "booked_on": payment.booked_on.isoformat(),
        "invoice": _invoice_ref(payment.invoice),
    }


def attempt_data(attempt: PaymentAttempt) -> dict[str, Any]:
    return {
        "id": str(attempt.key),
        "status": attempt.status,
        "amount": _money(attempt.amount),
        "currency": attempt.currency,
        "method": attempt.method,
        "failure_code": attempt.failure_code,
        "invoice": _invoice_ref(attempt.invoice),
    }
