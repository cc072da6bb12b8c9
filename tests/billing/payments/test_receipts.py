import pytest
from django.core import mail

from billing.models import PaymentAttempt

from .flow import fresh, pay, post_webhook, start

pytestmark = pytest.mark.django_db


def test_a_receipt_goes_to_the_billing_addresses_after_payment(mollie, invoice, client_org):
    client_org.billing_emails = "ap@client.example, finance@client.example"
    client_org.save()
    attempt = pay(mollie, invoice, method="ideal")

    [message] = mail.outbox
    assert message.to == ["ap@client.example", "finance@client.example"]
    assert message.subject == f"Payment received for invoice {invoice.number}"
    assert "We received your payment of €121.00" in message.body
    assert "The invoice is now paid in full." in message.body
    assert attempt.mollie_id in message.body and "iDEAL" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "€121.00" in html
    assert fresh(attempt).receipt_sent_at is not None


def test_the_receipt_is_in_the_clients_language(mollie, invoice, client_org, partial_payments):
    client_org.language = "nl"
    client_org.save()
    pay(mollie, invoice, "21.00")
    [message] = mail.outbox
    assert "€\xa021,00" in message.body
    assert "€\xa0100,00" in message.body  # what is still to pay


def test_duplicate_webhooks_send_one_receipt(mollie, invoice):
    attempt = pay(mollie, invoice)
    post_webhook(attempt.mollie_id)
    post_webhook(attempt.mollie_id)
    assert len(mail.outbox) == 1


def test_no_receipt_for_failed_payments_or_clients_without_address(mollie, invoice, client_org):
    pay(mollie, invoice, outcome="failed")
    assert mail.outbox == []
    client_org.billing_emails = ""
    client_org.save()
    attempt = pay(mollie, invoice)
    assert attempt.status == PaymentAttempt.Status.PAID and mail.outbox == []


def test_an_unpaid_checkout_sends_nothing(mollie, invoice):
    attempt = start(invoice)
    post_webhook(attempt.mollie_id)
    assert mail.outbox == []
