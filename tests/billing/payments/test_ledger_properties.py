"""Random sequences of money movements keep the invoice's figures true to its rows."""

from decimal import Decimal as D

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.models import Invoice, InvoiceStatus, Payment, PaymentAttempt
from billing.money import ZERO, quantize
from billing.payments.refunds import payment_refund, refundable_amount
from billing.payments.sync import payment_sync_from_mollie
from billing.services import credit_note_issue, credit_note_lines_for_remaining
from billing.services.invoices import LineInput
from tests.factories import issued_invoice, line

from .flow import fresh, start

pytestmark = pytest.mark.django_db
K = Payment.Kind
S = InvoiceStatus

percent = st.integers(min_value=1, max_value=100)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("pay"), percent),
        st.tuples(st.just("fail"), percent),
        st.tuples(st.just("refund"), percent),
        st.tuples(st.just("chargeback"), percent),
        st.tuples(st.just("credit"), percent),
    ),
    min_size=1,
    max_size=8,
)


def _mollie_reports(mollie_id: str) -> None:
    # What the webhook task does; the webhook path itself is covered in test_webhook.py.
    payment_sync_from_mollie(mollie_id=mollie_id)


def _part(amount: D, pct: int) -> D:
    return max(quantize(amount * pct / 100, "EUR"), D("0.01"))


def _refundable(invoice: Invoice) -> list[PaymentAttempt]:
    paid = PaymentAttempt.objects.filter(invoice=invoice, status=PaymentAttempt.Status.PAID)
    return [attempt for attempt in paid if refundable_amount(attempt) > 0]


def _apply(mollie, invoice: Invoice, operation: str, pct: int) -> None:
    invoice = fresh(invoice)
    if operation in ("pay", "fail"):
        if invoice.is_outstanding and invoice.balance > 0:
            outcome = "paid" if operation == "pay" else "failed"
            amount = min(_part(invoice.balance, pct), invoice.balance)
            attempt = start(invoice, str(amount))
            mollie.simulator.checkout(attempt.mollie_id, outcome)
            _mollie_reports(attempt.mollie_id)
    elif operation == "refund":
        for attempt in _refundable(invoice)[:1]:
            amount = min(_part(refundable_amount(attempt), pct), refundable_amount(attempt))
            payment_refund(attempt=attempt, amount=amount, by="test")
    elif operation == "chargeback":
        for attempt in _refundable(invoice)[:1]:
            mollie.chargeback(attempt.mollie_id)
            _mollie_reports(attempt.mollie_id)
    elif operation == "credit":
        remaining = credit_note_lines_for_remaining(invoice)
        if remaining:
            first = remaining[0]
            scaled = LineInput(
                description=first.description,
                quantity=D("1"),
                unit_price=_part(first.unit_price, pct),
                vat_rate=first.vat_rate,
            )
            credit_note_issue(invoice=invoice, lines=[scaled], reason="Correction", by="test")


def _check(mollie, invoice: Invoice) -> None:
    invoice = fresh(invoice)
    rows = Payment.objects.filter(invoice=invoice)
    assert all(row.amount > 0 for row in rows)
    received = rows.filter(kind=K.RECEIVED).aggregate(s=Sum("amount"))["s"] or ZERO
    returned = rows.exclude(kind=K.RECEIVED).aggregate(s=Sum("amount"))["s"] or ZERO
    credited = invoice.credit_notes.aggregate(s=Sum("total"))["s"] or ZERO
    net_paid = received - returned

    assert net_paid >= 0 and 0 <= credited <= invoice.total
    assert invoice.amount_paid == net_paid
    assert invoice.amount_credited == credited
    assert invoice.balance == invoice.total - net_paid - credited
    if invoice.balance <= 0:
        assert invoice.status == S.PAID
    elif net_paid > 0:
        assert invoice.status == S.PARTIALLY_PAID
    else:
        assert invoice.status == S.OPEN

    # Each online payment's ledger rows add up to what Mollie says is still with us.
    for attempt in PaymentAttempt.objects.filter(invoice=invoice, status="paid"):
        mollie_side = mollie.snapshot(attempt.mollie_id)
        kept = D(mollie_side["amount"]["value"]) - D(mollie_side["amountRefunded"]["value"])
        kept -= D((mollie_side.get("amountChargedBack") or {"value": "0"})["value"])
        assert sum((r.signed_amount for r in rows.filter(attempt=attempt)), ZERO) == kept


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=operations)
def test_balance_status_and_amounts_stay_consistent(mollie, client_org, steps):
    issuer = client_org.issuer
    issuer.allow_partial_payments = True
    issuer.minimum_partial_payment = D("0.01")
    issuer.save()
    # Each example runs in its own savepoint and leaves nothing behind for the next.
    with transaction.atomic():
        invoice = issued_invoice(client_org, [line("100.00", "21"), line("50.00", "9")])
        for operation, pct in steps:
            _apply(mollie, invoice, operation, pct)
            _check(mollie, invoice)
        transaction.set_rollback(True)
