import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import Actor, audit_record, user_of
from billing import signals
from billing.exceptions import BillingError
from billing.models import CreditNote, Invoice, Payment, PaymentAttempt
from billing.money import format_money, quantize

from .ledger import invoice_lock, invoice_recompute, net_paid_of


@transaction.atomic
def payment_record(
    *,
    invoice: Invoice,
    amount: Decimal,
    by: Actor,
    kind: str = Payment.Kind.RECEIVED,
    method: str = Payment.Method.BANK_TRANSFER,
    reference: str = "",
    booked_on: datetime.date | None = None,
    note: str = "",
    attempt: PaymentAttempt | None = None,
    credit_note: CreditNote | None = None,
) -> Payment:
    """Book money received for, or returned from, an issued invoice and recompute its balance.

    Booking the same reference twice for the same invoice and kind returns the first row.
    """
    invoice = invoice_lock(invoice)
    if invoice.is_draft:
        raise BillingError(_("Issue the invoice before booking payments on it."))
    if amount <= 0 or quantize(amount, invoice.currency) != amount:
        raise BillingError({"amount": _("Enter a positive amount with at most two decimals.")})
    if reference:
        existing = invoice.payments.filter(kind=kind, reference=reference).first()
        if existing is not None:
            if existing.amount != amount:
                raise BillingError(
                    {
                        "reference": _("Reference %(ref)s is already booked with another amount.")
                        % {"ref": reference}
                    }
                )
            return existing
    if kind != Payment.Kind.RECEIVED:
        paid = net_paid_of(invoice)
        if amount > paid:
            raise BillingError(
                {
                    "amount": _("At most %(paid)s was paid, so no more can go back.")
                    % {"paid": format_money(paid, invoice.currency)}
                }
            )
    payment = Payment.objects.create(
        invoice=invoice,
        client=invoice.client,
        kind=kind,
        amount=amount,
        currency=invoice.currency,
        method=method,
        reference=reference,
        booked_on=booked_on or invoice.issuer.today(),
        note=note,
        attempt=attempt,
        credit_note=credit_note,
        recorded_by=user_of(by),
    )
    audit_record(
        action=f"payment.{kind}",
        by=by,
        client=invoice.client,
        target=invoice,
        data={
            "payment": payment.pk,
            "amount": str(amount),
            "method": method,
            "reference": reference,
        },
    )
    invoice_recompute(invoice, by=by)
    signals.payment_booked.send(Payment, payment=payment, by=by)
    return payment
