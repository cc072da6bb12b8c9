from decimal import Decimal as D

import pytest
from django.urls import reverse

from billing.exceptions import BillingError
from billing.models import InvoiceStatus, Payment, PaymentAttempt
from billing.payments.refunds import payment_refund, refundable_amount
from billing.services import credit_note_issue
from tests.factories import line

from .flow import fresh, pay, post_webhook

pytestmark = pytest.mark.django_db
K = Payment.Kind


@pytest.fixture
def paid(mollie, invoice):
    return pay(mollie, invoice)


def test_refund_reopens_a_paid_invoice(mollie, invoice, paid):
    row = payment_refund(attempt=paid, amount=D("21.00"), by="test")

    assert (row.kind, row.amount, row.attempt, row.credit_note) == (
        K.REFUNDED,
        D("21.00"),
        paid,
        None,
    )
    assert row.reference.startswith("re_")
    sent = mollie.requests[-1]
    assert sent["path"] == f"/v2/payments/{paid.mollie_id}/refunds"
    assert sent["json"]["amount"] == {"currency": "EUR", "value": "21.00"}
    invoice = fresh(invoice)
    assert (invoice.status, invoice.amount_paid, invoice.balance) == (
        InvoiceStatus.PARTIALLY_PAID,
        D("100.00"),
        D("21.00"),
    )

    # Mollie's webhook for the refund finds it booked already.
    post_webhook(paid.mollie_id)
    assert Payment.objects.filter(kind=K.REFUNDED).count() == 1
    assert fresh(invoice).balance == D("21.00")


def test_refund_against_a_credit_note_keeps_the_invoice_paid(mollie, invoice, paid):
    note = credit_note_issue(
        invoice=fresh(invoice), lines=[line("10.00", "21")], reason="Late delivery", by="test"
    )
    assert fresh(invoice).balance == D("-12.10")  # owed back to the client

    row = payment_refund(attempt=paid, amount=D("12.10"), by="test", credit_note=note)

    assert row.credit_note == note
    invoice = fresh(invoice)
    assert (invoice.status, invoice.amount_paid, invoice.amount_credited, invoice.balance) == (
        InvoiceStatus.PAID,
        D("108.90"),
        D("12.10"),
        D("0.00"),
    )
    with pytest.raises(BillingError, match="left to pay back"):
        payment_refund(attempt=fresh(paid), amount=D("0.01"), by="test", credit_note=note)


def test_no_more_than_was_paid_can_be_refunded(mollie, paid):
    payment_refund(attempt=paid, amount=D("100.00"), by="test")
    assert refundable_amount(fresh(paid)) == D("21.00")
    with pytest.raises(BillingError, match="At most") as refused:
        payment_refund(attempt=fresh(paid), amount=D("21.01"), by="test")
    assert "amount" in refused.value.message_dict
    assert len([r for r in mollie.requests if r["path"].endswith("/refunds")]) == 1


def test_the_same_refund_form_sent_twice_refunds_once(mollie, invoice, paid):
    first = payment_refund(attempt=paid, amount=D("5.00"), by="test", idempotency_key="form-1")
    again = payment_refund(attempt=paid, amount=D("5.00"), by="test", idempotency_key="form-1")
    assert first == again
    assert len(mollie.simulator.refunds[paid.mollie_id]) == 1
    assert fresh(invoice).balance == D("5.00")


def test_refund_while_mollie_is_unreachable_books_nothing(mollie, invoice, paid):
    mollie.down = True
    with pytest.raises(BillingError, match="nothing was refunded"):
        payment_refund(attempt=paid, amount=D("5.00"), by="test")
    assert not Payment.objects.filter(kind=K.REFUNDED).exists()
    assert fresh(invoice).status == InvoiceStatus.PAID


def test_refund_made_in_mollies_dashboard_arrives_by_webhook(mollie, invoice, paid):
    refund_id = mollie.refund_directly(paid.mollie_id, "121.00")
    post_webhook(paid.mollie_id)
    post_webhook(paid.mollie_id)
    row = Payment.objects.get(kind=K.REFUNDED)
    assert (row.reference, row.amount) == (refund_id, D("121.00"))
    invoice = fresh(invoice)
    assert (invoice.status, invoice.balance) == (InvoiceStatus.OPEN, D("121.00"))
    assert fresh(paid).status == PaymentAttempt.Status.PAID  # Mollie's status stays paid


def test_a_canceled_refund_gives_the_money_back_to_the_invoice(mollie, invoice, paid):
    refund_id = mollie.refund_directly(paid.mollie_id, "21.00")
    post_webhook(paid.mollie_id)
    assert fresh(invoice).status == InvoiceStatus.PARTIALLY_PAID
    mollie.simulator.refund_settle(paid.mollie_id, refund_id, "canceled")
    post_webhook(paid.mollie_id)
    invoice = fresh(invoice)
    assert (invoice.status, invoice.balance) == (InvoiceStatus.PAID, D("0.00"))
    assert Payment.objects.filter(reference=refund_id).count() == 2  # out, and back in


def test_chargeback_reopens_a_paid_invoice(mollie, invoice, paid):
    chargeback_id = mollie.chargeback(paid.mollie_id)
    post_webhook(paid.mollie_id)
    post_webhook(paid.mollie_id)
    row = Payment.objects.get(kind=K.CHARGEBACK)
    assert (row.reference, row.amount) == (chargeback_id, D("121.00"))
    invoice = fresh(invoice)
    assert (invoice.status, invoice.amount_paid, invoice.balance) == (
        InvoiceStatus.OPEN,
        D("0.00"),
        D("121.00"),
    )
    assert refundable_amount(fresh(paid)) == D("0.00")

    pay(mollie, invoice)  # the client pays again
    assert fresh(invoice).status == InvoiceStatus.PAID


def test_staff_refund_from_the_admin(mollie, invoice, paid, admin_client, admin_user):
    client, staff = admin_client, admin_user
    note = credit_note_issue(
        invoice=fresh(invoice), lines=[line("10.00", "21")], reason="Goodwill", by="test"
    )
    url = reverse("admin:billing_invoice_refund", args=[invoice.pk])
    page = client.get(url)
    assert page.status_code == 200 and paid.mollie_id in page.text

    response = client.post(
        url,
        {
            "attempt": paid.pk,
            "amount": "12.10",
            "credit_note": note.pk,
            "description": "Goodwill",
            "idempotency_key": "admin-form-1",
        },
        follow=True,
    )
    assert "Refund sent to Mollie and booked." in response.text
    row = Payment.objects.get(kind=K.REFUNDED)
    assert (row.amount, row.credit_note, row.recorded_by) == (D("12.10"), note, staff)
    assert fresh(invoice).status == InvoiceStatus.PAID

    refused = client.post(
        url,
        {"attempt": paid.pk, "amount": "500.00", "idempotency_key": "admin-form-2"},
        follow=True,
    )
    assert "can still be refunded" in refused.text
    assert Payment.objects.filter(kind=K.REFUNDED).count() == 1
