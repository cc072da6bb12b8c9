"""Billing signals become outbox events, in the transaction of the change."""

from typing import Any

from django.dispatch import receiver

from billing import signals
from billing.models import CreditNote, Invoice, Payment, PaymentAttempt
from billing.models.invoice import InvoiceStatus as S

from .models.outbox import EventType
from .representation import attempt_data, credit_note_data, invoice_data, payment_data
from .services.outbox import event_record

MOVES = {
    S.OPEN: EventType.INVOICE_ISSUED,
    S.PAID: EventType.INVOICE_PAID,
    S.PARTIALLY_PAID: EventType.INVOICE_PARTIALLY_PAID,
}


@receiver(signals.invoice_moved)
def invoice_moved(sender: Any, *, invoice: Invoice, previous: str, status: str, **_: Any) -> None:
    # Open after draft is the issue; open again after a refund is not news of its own.
    if status == S.OPEN and previous != S.DRAFT:
        return
    event_type = MOVES.get(S(status))
    if event_type is not None:
        data = invoice_data(invoice, lines=False)
        data["status"] = status
        event_record(issuer=invoice.issuer_id, type=event_type, data={"invoice": data})


@receiver(signals.invoice_overdue)
def invoice_overdue(sender: Any, *, invoice: Invoice, **_: Any) -> None:
    event_record(
        issuer=invoice.issuer_id,
        type=EventType.INVOICE_OVERDUE,
        data={"invoice": invoice_data(invoice, lines=False)},
    )


@receiver(signals.credit_note_issued)
def credit_note_issued(sender: Any, *, credit_note: CreditNote, **_: Any) -> None:
    event_record(
        issuer=credit_note.issuer_id,
        type=EventType.CREDIT_NOTE_ISSUED,
        data={"credit_note": credit_note_data(credit_note)},
    )


@receiver(signals.payment_booked)
def payment_booked(sender: Any, *, payment: Payment, **_: Any) -> None:
    if payment.kind == Payment.Kind.REFUNDED:
        event_record(
            issuer=payment.invoice.issuer_id,
            type=EventType.PAYMENT_REFUNDED,
            data={"payment": payment_data(payment)},
        )


@receiver(signals.payment_attempt_failed)
def payment_attempt_failed(sender: Any, *, attempt: PaymentAttempt, **_: Any) -> None:
    event_record(
        issuer=attempt.invoice.issuer_id,
        type=EventType.PAYMENT_FAILED,
        data={"payment_attempt": attempt_data(attempt)},
    )
