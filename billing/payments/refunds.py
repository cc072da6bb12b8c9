"""Refunding an online payment through Mollie, from the back-office."""

import logging
import uuid
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from accounts.audit import Actor, audit_record
from billing.exceptions import BillingError
from billing.models import CreditNote, Payment, PaymentAttempt
from billing.money import ZERO, format_money, quantize
from billing.services.ledger import invoice_lock
from billing.services.payments import payment_record

from .mollie import MollieRefund, MollieRefused, MollieUnavailable, mollie_refund_create
from .sync import LEDGER_METHODS

logger = logging.getLogger(__name__)


def refundable_amount(attempt: PaymentAttempt) -> Decimal:
    """Return what can still go back on a paid attempt: its ledger rows, netted."""
    if attempt.status != PaymentAttempt.Status.PAID or not attempt.mollie_id:
        return ZERO
    rows = Payment.objects.filter(attempt=attempt)
    net = sum((row.signed_amount for row in rows), ZERO)
    return max(net, ZERO)


def credit_note_unrefunded(credit_note: CreditNote) -> Decimal:
    """Return how much of a credit note has not been paid back yet."""
    refunded = credit_note.refunds.filter(kind=Payment.Kind.REFUNDED).aggregate(
        total=Sum("amount")
    )["total"]
    return credit_note.total - (refunded or ZERO)


def _check(attempt: PaymentAttempt, amount: Decimal, credit_note: CreditNote | None) -> None:
    if amount <= 0 or quantize(amount, attempt.currency) != amount:
        raise BillingError({"amount": _("Enter a positive amount with at most two decimals.")})
    left = refundable_amount(attempt)
    if amount > left:
        raise BillingError(
            {
                "amount": _("At most %(left)s of this payment can still be refunded.")
                % {"left": format_money(left, attempt.currency)}
            }
        )
    if credit_note is not None:
        if credit_note.invoice_id != attempt.invoice_id:
            raise BillingError({"credit_note": _("The credit note belongs to another invoice.")})
        open_credit = credit_note_unrefunded(credit_note)
        if amount > open_credit:
            raise BillingError(
                {
                    "amount": _("Credit note %(number)s has %(left)s left to pay back.")
                    % {
                        "number": credit_note.number,
                        "left": format_money(open_credit, attempt.currency),
                    }
                }
            )


def payment_refund(
    *,
    attempt: PaymentAttempt,
    amount: Decimal,
    by: Actor,
    credit_note: CreditNote | None = None,
    description: str = "",
    idempotency_key: str = "",
) -> Payment:
    """Refund part or all of a paid online payment through Mollie and book the refund.

    Mollie is called with no transaction open. The same idempotency key (e.g. a form
    submitted twice) makes Mollie return the first refund instead of a second one.
    """
    _check(attempt, amount, credit_note)
    invoice = attempt.invoice
    text = description.strip() or _("Refund for invoice %(number)s") % {"number": invoice.number}
    try:
        refund = mollie_refund_create(
            mollie_id=str(attempt.mollie_id),
            amount=amount,
            currency=attempt.currency,
            description=text,
            metadata={
                "invoice": invoice.number,
                "attempt_id": attempt.pk,
                "credit_note": credit_note.number if credit_note else None,
            },
            idempotency_key=idempotency_key or str(uuid.uuid4()),
        )
    except MollieUnavailable as exc:
        logger.warning("Refund of %s failed: %s", attempt.mollie_id, exc)
        raise BillingError(
            _("Mollie could not be reached; nothing was refunded. Try again in a few minutes.")
        ) from exc
    except MollieRefused as exc:
        raise BillingError(
            _("Mollie refused the refund: %(detail)s") % {"detail": str(exc)}
        ) from exc
    return _refund_book(attempt=attempt, refund=refund, credit_note=credit_note, note=text, by=by)


@transaction.atomic
def _refund_book(
    *,
    attempt: PaymentAttempt,
    refund: MollieRefund,
    credit_note: CreditNote | None,
    note: str,
    by: Actor,
) -> Payment:
    # Lock order: payment (attempt) → invoice, as the webhook does for the same refund.
    attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt.pk)
    invoice = invoice_lock(attempt.invoice)
    row = payment_record(
        invoice=invoice,
        amount=refund.amount,
        by=by,
        kind=Payment.Kind.REFUNDED,
        method=LEDGER_METHODS.get(attempt.method, Payment.Method.OTHER),
        reference=refund.id,
        note=note[:300],
        attempt=attempt,
        credit_note=credit_note,
    )
    if credit_note is not None and row.credit_note_id is None:
        # Mollie's webhook booked the refund first; link it to the credit note it pays back.
        Payment.objects.filter(pk=row.pk, credit_note__isnull=True).update(credit_note=credit_note)
        row.credit_note = credit_note
    audit_record(
        action="payment.refund_requested",
        by=by,
        client=invoice.client,
        target=invoice,
        data={
            "attempt": attempt.pk,
            "refund": refund.id,
            "amount": str(refund.amount),
            "credit_note": credit_note.number if credit_note else "",
        },
    )
    return row
