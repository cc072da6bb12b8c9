"""Applying what Mollie says about a payment: forward-only status, ledger rows, balance."""

import functools
import logging
import zoneinfo

from django.db import transaction
from django.utils import timezone

from accounts.audit import Actor, audit_record
from billing import signals
from billing.models import Invoice, Payment, PaymentAttempt
from billing.models.payment_attempt import UNSUCCESSFUL
from billing.money import ZERO
from billing.services.ledger import invoice_lock
from billing.services.payments import payment_record
from portal.tasks import enqueue

from .mollie import MolliePayment, mollie_payment_get

logger = logging.getLogger(__name__)

LEDGER_METHODS = {
    "ideal": Payment.Method.IDEAL,
    "creditcard": Payment.Method.CARD,
    "bancontact": Payment.Method.BANCONTACT,
    "banktransfer": Payment.Method.BANK_TRANSFER,
    "directdebit": Payment.Method.DIRECT_DEBIT,
}


def payment_sync_from_mollie(*, mollie_id: str, by: Actor = "mollie") -> PaymentAttempt | None:
    """Fetch a payment from Mollie and apply it; None if the id is not one of ours.

    Mollie is asked first, with no transaction open; raises MollieUnavailable when it cannot
    be reached (nothing changed; try again later) and MollieRefused when it answers 4xx.
    """
    known = PaymentAttempt.objects.filter(mollie_id=mollie_id).values_list("pk", flat=True)
    attempt_id = known.first()
    if attempt_id is None:
        return None
    fetched = mollie_payment_get(mollie_id)
    return payment_apply_from_mollie(attempt_id=attempt_id, fetched=fetched, by=by)


@transaction.atomic
def payment_apply_from_mollie(
    *, attempt_id: int, fetched: MolliePayment, by: Actor = "mollie"
) -> PaymentAttempt:
    """Move the attempt forward to Mollie's status and book what money moved, idempotently."""
    # Lock order: payment (attempt) → invoice; payment_record re-locks the same invoice row.
    attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt_id)
    invoice = invoice_lock(attempt.invoice)
    if fetched.id != attempt.mollie_id:
        raise ValueError(f"Mollie payment {fetched.id} is not attempt {attempt.pk}.")
    previous = attempt.status
    if fetched.status != previous and attempt.can_move_to(fetched.status):
        attempt.status = fetched.status
        if fetched.status == PaymentAttempt.Status.FAILED:
            attempt.failure_code = fetched.failure_code
        audit_record(
            action="payment.attempt_status_changed",
            by=by,
            client=attempt.client,
            target=invoice,
            data={
                "attempt": attempt.pk,
                "mollie_id": attempt.mollie_id,
                "from": previous,
                "to": fetched.status,
            },
        )
    elif fetched.status != previous:
        logger.info(
            "Ignored %s → %s for %s: attempts never move backwards.",
            previous,
            fetched.status,
            attempt.mollie_id,
        )
    if attempt.status == fetched.status:
        # Details only from an answer that is not stale (a stale one lost the status race).
        attempt.method = fetched.method or attempt.method
        attempt.mode = fetched.mode or attempt.mode
        attempt.paid_at = attempt.paid_at or fetched.paid_at
    attempt.synced_at = timezone.now()
    attempt.save()
    if attempt.status != previous and attempt.status in UNSUCCESSFUL:
        signals.payment_attempt_failed.send(PaymentAttempt, attempt=attempt, by=by)
    received = _ledger_book(attempt=attempt, invoice=invoice, fetched=fetched, by=by)
    if received is not None:
        enqueue("billing.payments.tasks.payment_receipt_send", attempt.pk)
    return attempt


def _ledger_book(
    *, attempt: PaymentAttempt, invoice: Invoice, fetched: MolliePayment, by: Actor
) -> Payment | None:
    """Book received, refunded and charged-back money; return the received row if it is new.

    Each row carries Mollie's id as its reference, so `payment_record` books it once however
    often Mollie reports it. Money coming back after a refund failed or a chargeback was
    reversed is booked as received under the refund's or chargeback's id.
    """
    method = LEDGER_METHODS.get(fetched.method, Payment.Method.OTHER)
    book = functools.partial(payment_record, invoice=invoice, by=by, method=method, attempt=attempt)

    def booked(kind: str, reference: str) -> bool:
        return invoice.payments.filter(kind=kind, reference=reference).exists()

    received = None
    if fetched.paid_at is not None:  # Mollie's is_paid(): stays true after money went back
        new = not booked(Payment.Kind.RECEIVED, fetched.id)
        paid_on = timezone.localtime(
            fetched.paid_at, zoneinfo.ZoneInfo(invoice.issuer.timezone)
        ).date()
        row = book(
            amount=fetched.amount,
            kind=Payment.Kind.RECEIVED,
            reference=fetched.id,
            booked_on=paid_on,
            note="Mollie",
        )
        received = row if new else None
    for refund in fetched.refunds:
        if refund.is_active:
            book(
                amount=refund.amount,
                kind=Payment.Kind.REFUNDED,
                reference=refund.id,
                note="Mollie refund",
            )
        elif booked(Payment.Kind.REFUNDED, refund.id):
            book(
                amount=refund.amount,
                kind=Payment.Kind.RECEIVED,
                reference=refund.id,
                note=f"Mollie refund {refund.status}",
            )
    for chargeback in fetched.chargebacks:
        book(
            amount=chargeback.amount,
            kind=Payment.Kind.CHARGEBACK,
            reference=chargeback.id,
            note="Mollie chargeback",
        )
        if chargeback.reversed:
            book(
                amount=chargeback.amount,
                kind=Payment.Kind.RECEIVED,
                reference=chargeback.id,
                note="Mollie chargeback reversed",
            )
    _totals_check(fetched)
    return received


def _totals_check(fetched: MolliePayment) -> None:
    refunded = sum((r.amount for r in fetched.refunds if r.is_active), start=ZERO)
    charged_back = sum((c.amount for c in fetched.chargebacks if not c.reversed), start=ZERO)
    if refunded != fetched.amount_refunded or charged_back != fetched.amount_charged_back:
        logger.warning(
            "Mollie %s reports %s refunded and %s charged back, its lists %s and %s.",
            fetched.id,
            fetched.amount_refunded,
            fetched.amount_charged_back,
            refunded,
            charged_back,
        )
