"""The payment-link page: one invoice, no password, audited and rate-limited."""

from decimal import Decimal as D

import pytest
from django.test import Client as WebClient
from django.test import override_settings
from django.urls import reverse

from accounts.models import AuditEvent
from billing.models import PaymentAttempt
from billing.payments.payment_links import invoice_payment_link_rotate
from billing.services import credit_note_issue, invoice_void, invoice_write_off
from tests.factories import ClientFactory, draft_invoice, issued_invoice, line
from tests.portal_support import member_of

from .flow import fresh, pay

pytestmark = pytest.mark.django_db
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (Phone) Test", "REMOTE_ADDR": "198.51.100.7"}


def link(invoice):
    return reverse("pay:invoice", args=[invoice.payment_token])


def test_the_link_opens_its_invoice_without_signing_in(client, invoice):
    page = client.get(link(invoice), **BROWSER)
    assert page.status_code == 200
    for shown in (invoice.number, invoice.issuer.legal_name, invoice.client.legal_name, "€121.00"):
        assert shown in page.text
    assert "Continue to payment" in page.text

    event = AuditEvent.objects.get(action="invoice.link_opened")
    assert (event.client, event.object_id) == (invoice.client, str(invoice.pk))
    assert (event.ip, event.user_agent) == ("198.51.100.7", "Mozilla/5.0 (Phone) Test")
    assert event.actor is None


def test_anyone_holding_the_link_can_pay_the_balance(mollie, client, invoice):
    response = client.post(link(invoice), {"balance": "121.00"}, **BROWSER)
    attempt = PaymentAttempt.objects.get()
    assert response.status_code == 302 and response["Location"] == attempt.checkout_url
    assert attempt.via_payment_link and attempt.started_by is None
    assert attempt.amount == D("121.00") and attempt.invoice == invoice
    assert AuditEvent.objects.filter(action="invoice.link_opened").count() == 1


def test_the_link_pays_part_when_the_issuer_allows_it(mollie, client, invoice, partial_payments):
    page = client.get(link(invoice))
    assert 'name="amount"' in page.text and 'value="121.00"' in page.text
    too_small = client.post(link(invoice), {"amount": "2.00", "balance": "121.00"})
    assert too_small.status_code == 200 and "Pay at least €10.00" in too_small.text
    response = client.post(link(invoice), {"amount": "40.00", "balance": "121.00"})
    assert response.status_code == 302
    assert PaymentAttempt.objects.get().amount == D("40.00")


def test_a_member_of_another_client_holding_the_link_can_pay_too(mollie, client, invoice):
    client.force_login(member_of(ClientFactory()))
    assert client.get(link(invoice)).status_code == 200
    assert client.post(link(invoice), {"balance": "121.00"}).status_code == 302


def _main(page):
    return page.text.split("<main", 1)[1].split("</main>", 1)[0]


def _not_valid(page):
    assert page.status_code == 404
    assert "This payment link is not valid" in page.text


def test_a_guessed_or_old_token_gets_the_same_not_valid_page(client, invoice, client_org):
    other = issued_invoice(client_org, [line("50.00")])
    secret = invoice.client.name, invoice.number, other.number, "€"
    old_token = invoice.payment_token
    invoice_payment_link_rotate(invoice=invoice, by="test")
    pages = [
        client.get(f"/pay/{guess}/")
        for guess in (
            "A" * 43,
            old_token,  # revoked
            draft_invoice(client_org).payment_token,  # not issued
            invoice.payment_token[:-1],
            "short",
            str(invoice.key),
        )
    ]
    for page in pages:
        _not_valid(page)
        assert not any(word in page.text for word in secret)
    assert len({_main(page) for page in pages}) == 1  # nothing tells one guess from another
    assert not AuditEvent.objects.filter(action="invoice.link_opened").exists()

    refused = client.post(f"/pay/{old_token}/", {"balance": "121.00"})
    _not_valid(refused)
    assert not PaymentAttempt.objects.exists()


def test_one_invoices_link_pays_that_invoice_only(mollie, client, invoice, client_org):
    other = issued_invoice(client_org, [line("50.00")])
    client.post(link(invoice), {"balance": "121.00", "invoice": other.pk, "key": other.key})
    assert PaymentAttempt.objects.get().invoice == invoice


def _paid(mollie, invoice):
    pay(mollie, invoice)
    return "has been paid"


def _void(mollie, invoice):
    invoice_void(invoice=invoice, by="test")
    return "has been cancelled"


def _written_off(mollie, invoice):
    invoice_write_off(invoice=invoice, by="test")
    return "can no longer be paid online"


def _credited(mollie, invoice):
    credit_note_issue(invoice=invoice, lines=[line("100.00", "21")], reason="Wrong", by="test")
    return "credited in full"


@pytest.mark.parametrize("settle", [_paid, _void, _written_off, _credited])
def test_a_settled_invoices_link_says_so_and_takes_no_payment(mollie, client, invoice, settle):
    words = settle(mollie, invoice)
    attempts = PaymentAttempt.objects.count()
    page = client.get(link(fresh(invoice)))
    assert page.status_code == 200 and words in page.text
    assert "Continue to payment" not in page.text and 'name="amount"' not in page.text
    refused = client.post(link(fresh(invoice)), {"balance": "121.00", "amount": "121.00"})
    assert refused.status_code == 409
    assert PaymentAttempt.objects.count() == attempts


@override_settings(PAY_RATE_PER_IP="3/m")
def test_too_many_requests_from_one_address_get_429(client, invoice):
    for _ in range(3):
        assert client.get(link(invoice), REMOTE_ADDR="203.0.113.5").status_code == 200
    limited = client.get(link(invoice), REMOTE_ADDR="203.0.113.5")
    assert limited.status_code == 429
    assert "Too many requests" in limited.text and int(limited["Retry-After"]) >= 1
    assert client.get("/pay/" + "B" * 43 + "/", REMOTE_ADDR="203.0.113.5").status_code == 429
    assert client.get(link(invoice), REMOTE_ADDR="203.0.113.6").status_code == 200
    assert AuditEvent.objects.filter(action="invoice.link_opened").count() == 4


@override_settings(PAY_RATE_PER_LINK="2/h")
def test_too_many_requests_for_one_link_get_429_from_any_address(client, invoice, client_org):
    assert client.get(link(invoice), REMOTE_ADDR="192.0.2.1").status_code == 200
    assert client.get(link(invoice), REMOTE_ADDR="192.0.2.2").status_code == 200
    assert client.get(link(invoice), REMOTE_ADDR="192.0.2.3").status_code == 429
    other = issued_invoice(client_org, [line("50.00")])
    assert WebClient().get(link(other), REMOTE_ADDR="192.0.2.3").status_code == 200


def test_the_link_and_the_page_after_checkout_stay_open_behind_a_login_wall(
    mollie, client, invoice, settings
):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
    ]
    assert client.get(link(invoice)).status_code == 200
    client.post(link(invoice), {"balance": "121.00"})
    attempt = PaymentAttempt.objects.get()
    assert client.get(reverse("pay:return", args=[attempt.key])).status_code == 200
    walled = client.get(reverse("portal:payment_list"))
    assert walled.status_code == 302 and walled["Location"].startswith(reverse("login"))
