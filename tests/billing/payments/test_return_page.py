"""The page after Mollie's checkout: the outcome in plain words, for the payer only."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from billing.models import InvoiceStatus, PaymentAttempt
from billing.payments.payment_links import invoice_payment_link_rotate
from tests.factories import ClientFactory
from tests.portal_support import member_of

from .flow import fresh, pay, start

pytestmark = pytest.mark.django_db


def back(attempt):
    return reverse("pay:return", args=[attempt.key])


@pytest.fixture
def payer(client, invoice):
    """The finance member who started the checkout, signed in."""
    client.force_login(member_of(invoice.client, role=Membership.Role.FINANCE))
    return client


@pytest.mark.parametrize(
    ("outcome", "method", "title", "words"),
    [
        ("paid", "ideal", "Payment received", "your payment was received"),
        ("pending", "banktransfer", "Bank transfer started", "bank transfer has been started"),
        ("failed", "creditcard", "Payment failed", "The card was declined."),
        ("canceled", "ideal", "Payment cancelled", "The payment was cancelled."),
        ("expired", "ideal", "Payment expired", "was not completed in time"),
    ],
)
def test_each_outcome_is_said_in_plain_words(mollie, payer, invoice, outcome, method, title, words):
    attempt = pay(mollie, invoice, outcome=outcome, method=method)
    page = payer.get(back(attempt))
    assert page.status_code == 200
    assert title in page.text and words in page.text
    assert invoice.number in page.text and "€121.00" in page.text
    assert "Refresh" not in page.headers
    try_again = 'href="{}"'.format(reverse("portal:invoice_pay", args=[invoice.key]))
    assert (try_again in page.text) == (outcome in ("failed", "canceled", "expired"))


def test_the_page_asks_mollie_itself_when_the_webhook_has_not_arrived(mollie, payer, invoice):
    attempt = start(invoice)
    mollie.simulator.checkout(attempt.mollie_id, "paid", "ideal")  # no webhook yet
    assert fresh(invoice).status == InvoiceStatus.OPEN

    page = payer.get(back(attempt))
    assert "Payment received" in page.text and "Paid" in page.text
    assert fresh(invoice).status == InvoiceStatus.PAID
    assert fresh(attempt).status == PaymentAttempt.Status.PAID
    receipt = fresh(attempt).ledger_rows.get()
    assert reverse("portal:receipt", args=[receipt.key]) in page.text


def test_an_unknown_outcome_keeps_the_page_refreshing(mollie, payer, invoice):
    attempt = start(invoice)  # the payer came back without finishing; Mollie says open
    page = payer.get(back(attempt))
    assert page.status_code == 200 and "being processed" in page.text
    assert page.headers["Refresh"] == "5"
    mollie.down = True
    assert "being processed" in payer.get(back(attempt)).text  # Mollie down: no error


def test_a_guessed_key_or_another_clients_member_gets_404(mollie, client, invoice):
    attempt = start(invoice, by=member_of(invoice.client))
    client.force_login(member_of(ClientFactory()))
    page = client.get(back(attempt))
    assert page.status_code == 404 and invoice.number not in page.text
    guessed = client.get("/pay/return/6f1c1d4e-8a0e-4e7b-9a4c-1d2e3f4a5b6c/")
    assert guessed.status_code == 404 and "Payment not found" in guessed.text
    assert client.get("/pay/return/123/").status_code == 404


def test_a_portal_payment_asks_a_signed_out_payer_to_sign_in(mollie, client, invoice):
    attempt = start(invoice, by=member_of(invoice.client))
    response = client.get(back(attempt))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_member_of_two_organisations_comes_back_to_the_one_that_paid(mollie, client, invoice):
    bookkeeper = member_of(ClientFactory(name="A first org"), invoice.client)
    client.force_login(bookkeeper)
    attempt = start(invoice, by=bookkeeper)
    page = client.get(back(attempt))
    assert page.status_code == 200
    assert reverse("portal:invoice_detail", args=[invoice.key]) in page.text
    assert client.get(reverse("portal:invoice_detail", args=[invoice.key])).status_code == 200


def test_a_link_payment_comes_back_to_the_link_in_the_same_browser_only(mollie, client, invoice):
    link = reverse("pay:invoice", args=[invoice.payment_token])
    client.post(link, {"balance": "121.00"})
    attempt = PaymentAttempt.objects.get()
    mollie.simulator.checkout(attempt.mollie_id, "canceled")

    page = client.get(back(attempt))
    assert page.status_code == 200 and "Payment cancelled" in page.text
    assert f'href="{link}"' in page.text  # try again through the same link

    elsewhere = client.__class__().get(back(attempt))
    assert elsewhere.status_code == 200 and "Payment cancelled" in elsewhere.text
    assert invoice.payment_token not in elsewhere.text


def test_a_link_payment_does_not_lead_to_a_link_rotated_since(mollie, client, invoice):
    client.post(reverse("pay:invoice", args=[invoice.payment_token]), {"balance": "121.00"})
    attempt = PaymentAttempt.objects.get()
    mollie.simulator.checkout(attempt.mollie_id, "failed")
    rotated = invoice_payment_link_rotate(invoice=invoice, by="test")
    page = client.get(back(attempt))
    assert page.status_code == 200 and "Payment failed" in page.text
    assert invoice.payment_token not in page.text and rotated.payment_token not in page.text
