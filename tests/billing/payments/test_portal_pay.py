"""Paying from the portal: who sees the button, the amount form, and going to Mollie."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from accounts.models import Membership
from billing.models import PaymentAttempt
from billing.services import payment_record
from tests.factories import ClientFactory, issued_invoice, line
from tests.portal_support import member_of

from .flow import fresh, pay, post_webhook, start

pytestmark = pytest.mark.django_db
Role = Membership.Role


def pay_url(invoice):
    return reverse("portal:invoice_pay", args=[invoice.key])


def signed_in(web, client_org, role=Role.FINANCE, **user_fields):
    web.force_login(member_of(client_org, role=role, **user_fields))
    return web


def test_a_viewer_sees_no_pay_button_and_cannot_start_a_payment(mollie, client, invoice):
    signed_in(client, invoice.client, Role.VIEWER)
    detail = client.get(reverse("portal:invoice_detail", args=[invoice.key]))
    listing = client.get(reverse("portal:invoice_list"))
    for page in (detail, listing):
        assert page.status_code == 200
        assert pay_url(invoice) not in page.text
    assert "Payment link" not in detail.text  # the link would let a viewer pay after all

    page = client.get(pay_url(invoice))
    assert page.status_code == 403 and "cannot pay this invoice" in page.text
    refused = client.post(pay_url(invoice), {"amount": "121.00", "balance": "121.00"})
    assert refused.status_code == 403 and "not pay it" in refused.text
    assert not PaymentAttempt.objects.exists() and mollie.created() == []


@pytest.mark.parametrize("role", [Role.OWNER, Role.FINANCE])
def test_owner_and_finance_are_sent_to_mollies_checkout(mollie, client, invoice, role):
    signed_in(client, invoice.client, role)
    detail = client.get(reverse("portal:invoice_detail", args=[invoice.key]))
    assert f'href="{pay_url(invoice)}"' in detail.text
    listing = client.get(reverse("portal:invoice_list"))
    assert f'href="{pay_url(invoice)}"' in listing.text

    page = client.get(pay_url(invoice))
    assert page.status_code == 200 and "€121.00" in page.text
    assert 'name="amount"' not in page.text  # the issuer takes the full balance only

    response = client.post(pay_url(invoice), {"balance": "121.00"})
    attempt = PaymentAttempt.objects.get()
    assert response.status_code == 302
    assert response["Location"] == attempt.checkout_url
    assert attempt.checkout_url.startswith("https://checkout.mollie.test/checkout/tr_")
    assert mollie.created()[0]["json"]["amount"] == {"currency": "EUR", "value": "121.00"}
    assert attempt.started_by.memberships.get().role == role


def test_paid_invoices_have_no_pay_button(mollie, client, invoice):
    pay(mollie, invoice)
    signed_in(client, invoice.client)
    detail = client.get(reverse("portal:invoice_detail", args=[invoice.key]))
    assert pay_url(invoice) not in detail.text
    refused = client.post(pay_url(invoice), {"balance": "0.00"})
    assert refused.status_code == 409 and "nothing to pay" in refused.text
    assert PaymentAttempt.objects.count() == 1


def test_a_part_payment_is_typed_with_a_decimal_comma_in_dutch(
    mollie, client, invoice, partial_payments
):
    signed_in(client, invoice.client, language="nl")
    page = client.get(pay_url(invoice))
    assert 'value="121,00"' in page.text  # the full balance is filled in
    assert "€\xa010,00" in page.text and "€\xa0121,00" in page.text  # minimum and maximum

    response = client.post(pay_url(invoice), {"amount": "50,00", "balance": "121.00"})
    assert response.status_code == 302
    assert mollie.created()[0]["json"]["amount"]["value"] == "50.00"
    assert PaymentAttempt.objects.get().amount == D("50.00")


@pytest.mark.parametrize(
    ("language", "typed", "error"),
    [
        ("en", "5.00", "Pay at least €10.00, or the full balance of €121.00."),
        ("en", "121.01", "At most the balance of €121.00 can be paid."),
        ("en", "twelve", "Enter an amount such as 12.50."),
        ("en", "12,50", "Enter an amount such as 12.50."),
        ("en", "", "This field is required."),
        ("en", "-5", "Enter an amount such as 12.50."),
        ("en", "10.005", "Enter an amount such as 12.50."),
        ("nl", "12.50", "12,50"),  # the example is written the Dutch way
        ("nl", "5,00", "€\xa010,00"),
    ],
)
def test_a_wrong_amount_is_explained_next_to_the_field(
    mollie, client, invoice, partial_payments, language, typed, error
):
    signed_in(client, invoice.client, language=language)
    page = client.post(pay_url(invoice), {"amount": typed, "balance": "121.00"})
    assert page.status_code == 200
    assert 'class="field field-invalid"' in page.text
    field_error = page.text.split('class="field-error"', 1)[1].split("</p>", 1)[0]
    assert error in field_error
    assert f'value="{typed}"' in page.text or typed == ""  # what was typed is kept
    assert not PaymentAttempt.objects.exists() and mollie.created() == []


def test_a_balance_that_changed_meanwhile_is_pointed_out(mollie, client, invoice):
    signed_in(client, invoice.client)
    payment_record(invoice=fresh(invoice), amount=D("21.00"), by="test", reference="BANK-7")
    page = client.post(pay_url(invoice), {"balance": "121.00"})
    assert page.status_code == 200
    assert "changed while you were on this page: it is now €100.00" in page.text
    assert not PaymentAttempt.objects.exists()
    again = client.post(pay_url(invoice), {"balance": "100.00"})
    assert again.status_code == 302
    assert PaymentAttempt.objects.get().amount == D("100.00")


def test_mollie_being_down_is_said_in_plain_words(mollie, client, invoice):
    signed_in(client, invoice.client)
    mollie.down = True
    page = client.post(pay_url(invoice), {"balance": "121.00"})
    assert page.status_code == 200
    assert "could not be reached. Nothing was charged" in page.text
    assert PaymentAttempt.objects.get().status == PaymentAttempt.Status.FAILED


def test_another_clients_invoice_cannot_be_paid_or_seen(mollie, client, invoice):
    other = issued_invoice(ClientFactory(), [line("50.00")])
    signed_in(client, invoice.client, Role.OWNER)
    assert client.get(pay_url(other)).status_code == 404
    assert client.post(pay_url(other), {"balance": "60.50"}).status_code == 404
    assert not PaymentAttempt.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, invoice):
    response = client.get(pay_url(invoice))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_started_bank_transfer_warns_against_paying_twice(mollie, client, invoice):
    attempt = start(invoice)
    mollie.simulator.checkout(attempt.mollie_id, "pending", "banktransfer")
    signed_in(client, invoice.client)
    client.get(reverse("pay:return", args=[attempt.key]))  # the payer comes back from Mollie
    for url in (pay_url(invoice), reverse("portal:invoice_detail", args=[invoice.key])):
        page = client.get(url)
        assert "A bank transfer is on its way" in page.text
        assert "no need to pay again" in page.text


def test_last_failed_attempt_is_shown_with_a_retry_until_a_payment_succeeds(
    mollie, client, invoice
):
    pay(mollie, invoice, outcome="failed", method="creditcard")
    signed_in(client, invoice.client)
    detail_url = reverse("portal:invoice_detail", args=[invoice.key])
    detail = client.get(detail_url)
    assert "Last payment attempt failed" in detail.text
    assert "The card was declined." in detail.text
    retry = detail.text.split("Last payment attempt failed", 1)[1]
    assert f'href="{pay_url(invoice)}"' in retry.split("</div>", 1)[0]
    assert "Try again" in retry
    assert "Payment failed" in client.get(reverse("portal:invoice_list")).text

    pay(mollie, invoice, outcome="paid", method="ideal")
    detail = client.get(detail_url)
    assert "Last payment attempt failed" not in detail.text
    assert "Payment failed" not in client.get(reverse("portal:invoice_list")).text


def test_a_transfer_under_way_is_still_shown_after_a_later_card_payment_failed(
    mollie, client, invoice
):
    transfer = start(invoice)
    mollie.simulator.checkout(transfer.mollie_id, "pending", "banktransfer")
    post_webhook(transfer.mollie_id)
    pay(mollie, invoice, outcome="failed", method="creditcard")
    signed_in(client, invoice.client)

    detail = client.get(reverse("portal:invoice_detail", args=[invoice.key]))

    assert "A bank transfer is on its way" in detail.text
    assert "no need to pay again" in detail.text


def test_members_who_may_pay_see_the_payment_link_to_copy(client, invoice):
    signed_in(client, invoice.client, Role.OWNER)
    detail = client.get(reverse("portal:invoice_detail", args=[invoice.key]))
    assert f"/pay/{invoice.payment_token}/" in detail.text
    assert 'data-copy="payment-link-url"' in detail.text
