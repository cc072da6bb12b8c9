import datetime
from decimal import Decimal as D

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings

from accounts.models import Membership
from billing.exceptions import BillingError, CheckoutUnavailable, PaymentNotAllowed
from billing.models import InvoiceStatus, Payment, PaymentAttempt
from billing.payments.checkout import payment_start_checkout
from billing.services import invoice_void
from tests.factories import MembershipFactory, UserFactory, issued_invoice

from .flow import fresh, pay, post_webhook, start

pytestmark = pytest.mark.django_db
A = PaymentAttempt.Status


def test_full_payment_marks_the_invoice_paid(mollie, invoice, finance):
    attempt = payment_start_checkout(invoice=invoice, amount=D("121.00"), by=finance)

    sent = mollie.created()[0]
    assert sent["json"]["amount"] == {"currency": "EUR", "value": "121.00"}
    assert invoice.number in sent["json"]["description"]
    assert sent["json"]["redirectUrl"].endswith(f"/pay/return/{attempt.key}/")
    assert sent["json"]["webhookUrl"].endswith("/webhooks/mollie/")
    assert sent["json"]["metadata"]["attempt_id"] == attempt.pk
    assert sent["json"]["metadata"]["invoice_id"] == invoice.pk
    assert sent["headers"]["Idempotency-Key"] == str(attempt.idempotency_key)
    assert attempt.checkout_url.startswith("https://checkout.mollie.test/checkout/tr_")
    assert attempt.status == A.OPEN and attempt.started_by == finance

    mollie.simulator.checkout(attempt.mollie_id, "paid", "ideal")
    assert post_webhook(attempt.mollie_id).status_code == 200

    invoice = fresh(invoice)
    assert (invoice.status, invoice.amount_paid, invoice.balance) == (
        InvoiceStatus.PAID,
        D("121.00"),
        D("0.00"),
    )
    row = Payment.objects.get(invoice=invoice)
    assert (row.kind, row.amount, row.reference, row.method) == (
        Payment.Kind.RECEIVED,
        D("121.00"),
        attempt.mollie_id,
        Payment.Method.IDEAL,
    )
    attempt = fresh(attempt)
    assert attempt.status == A.PAID and attempt.paid_at is not None and attempt.method == "ideal"


def test_partial_payment_then_the_rest(mollie, invoice, partial_payments):
    first = pay(mollie, invoice, "21.00")
    invoice = fresh(invoice)
    assert first.status == A.PAID
    assert (invoice.status, invoice.balance) == (InvoiceStatus.PARTIALLY_PAID, D("100.00"))

    pay(mollie, invoice)  # the rest: the full remaining balance
    invoice = fresh(invoice)
    assert (invoice.status, invoice.amount_paid, invoice.balance) == (
        InvoiceStatus.PAID,
        D("121.00"),
        D("0.00"),
    )
    assert sorted(Payment.objects.values_list("amount", flat=True)) == [D("21.00"), D("100.00")]


def test_partial_payment_is_refused_unless_the_issuer_allows_it(mollie, invoice):
    with pytest.raises(BillingError, match="only be paid in full"):
        start(invoice, "50.00")
    assert mollie.created() == []
    assert not PaymentAttempt.objects.exists()


def test_partial_payment_below_the_minimum_is_refused(mollie, invoice, partial_payments):
    with pytest.raises(BillingError, match="at least") as refused:
        start(invoice, "9.99")
    assert "amount" in refused.value.message_dict
    assert mollie.created() == []


def test_the_full_balance_is_allowed_even_below_the_minimum(mollie, invoice, partial_payments):
    pay(mollie, invoice, "115.00")
    assert fresh(invoice).balance == D("6.00")
    attempt = start(invoice)  # 6.00, below the 10.00 minimum, but it is the whole balance
    assert attempt.amount == D("6.00") and attempt.checkout_url


@pytest.mark.parametrize("amount", ["121.01", "0.00", "-5.00", "10.005"])
def test_amounts_above_the_balance_or_not_money_are_refused(
    mollie, invoice, partial_payments, amount
):
    with pytest.raises(BillingError) as refused:
        payment_start_checkout(invoice=invoice, amount=D(amount), by="test")
    assert "amount" in refused.value.message_dict
    assert mollie.created() == []


def test_paid_or_void_invoices_cannot_be_paid_again(mollie, invoice, client_org):
    pay(mollie, invoice)
    with pytest.raises(BillingError, match="nothing to pay"):
        start(invoice, "1.00")
    void = invoice_void(invoice=issued_invoice(client_org), by="test")
    with pytest.raises(BillingError, match="nothing to pay"):
        start(void)


def test_a_viewer_cannot_start_a_payment(mollie, invoice, client_org):
    viewer = MembershipFactory(client=client_org, role=Membership.Role.VIEWER).user
    with pytest.raises(PaymentNotAllowed):
        payment_start_checkout(invoice=invoice, amount=invoice.balance, by=viewer)
    assert mollie.created() == [] and not PaymentAttempt.objects.exists()


def test_owner_and_finance_may_pay_but_not_someone_of_another_client(mollie, invoice, client_org):
    owner = MembershipFactory(client=client_org, role=Membership.Role.OWNER).user
    outsider = MembershipFactory(role=Membership.Role.OWNER).user
    assert payment_start_checkout(invoice=invoice, amount=invoice.balance, by=owner).checkout_url
    with pytest.raises(PaymentNotAllowed):
        payment_start_checkout(invoice=invoice, amount=invoice.balance, by=outsider)
    with pytest.raises(PaymentNotAllowed):
        payment_start_checkout(invoice=invoice, amount=invoice.balance, by=UserFactory())


def test_the_payment_link_lets_anyone_holding_it_pay(mollie, invoice):
    anonymous = AnonymousUser()
    attempt = payment_start_checkout(
        invoice=invoice, amount=invoice.balance, by=anonymous, link_token=invoice.payment_token
    )
    assert attempt.via_payment_link and attempt.started_by is None and attempt.checkout_url
    with pytest.raises(PaymentNotAllowed):
        payment_start_checkout(
            invoice=invoice, amount=invoice.balance, by=anonymous, link_token="x" * 43
        )
    with pytest.raises(PaymentNotAllowed):
        payment_start_checkout(invoice=invoice, amount=invoice.balance, by=anonymous)


def test_mollie_unreachable_at_checkout_fails_the_attempt_in_plain_words(mollie, invoice):
    mollie.down = True
    with pytest.raises(CheckoutUnavailable, match=r"could not be reached\. Nothing was charged"):
        start(invoice)
    attempt = PaymentAttempt.objects.get()
    assert attempt.status == A.FAILED and attempt.failure_code == "provider_unreachable"
    assert "Unable to communicate with Mollie" in attempt.failure_detail
    assert fresh(invoice).status == InvoiceStatus.OPEN

    mollie.down = False  # the client tries again
    assert start(invoice).checkout_url


def test_a_proxy_error_page_at_checkout_is_handled(mollie, invoice):
    mollie.server_error = True
    with pytest.raises(CheckoutUnavailable):
        start(invoice)
    assert PaymentAttempt.objects.get().failure_code == "provider_unreachable"


def test_mollie_refusing_the_payment_is_explained(mollie, invoice):
    with pytest.raises(CheckoutUnavailable, match="did not accept this payment"):
        payment_start_checkout(invoice=invoice, amount=invoice.balance, by="test", method="bitcoin")
    attempt = PaymentAttempt.objects.get()
    assert attempt.failure_code == "provider_refused"
    assert "method" in attempt.failure_detail


@override_settings(MOLLIE_API_KEY="", MOLLIE_SANDBOX=False)
def test_without_credentials_online_payment_is_unavailable(mollie, invoice):
    with pytest.raises(CheckoutUnavailable, match="not available right now"):
        start(invoice)
    assert mollie.requests == []
    assert PaymentAttempt.objects.get().failure_code == "provider_unavailable"


def test_starting_again_within_minutes_sends_the_payer_to_the_same_checkout(
    mollie, invoice, finance
):
    """A double click, the back button or a second tab must not open a second payment."""
    first = payment_start_checkout(invoice=invoice, amount=D("121.00"), by=finance)
    again = payment_start_checkout(invoice=invoice, amount=D("121.00"), by=finance)
    assert again.pk == first.pk and again.checkout_url == first.checkout_url
    assert len(mollie.created()) == 1


def test_a_new_checkout_once_the_old_one_is_stale_or_for_another_amount(
    mollie, invoice, finance, partial_payments
):
    first = payment_start_checkout(invoice=invoice, amount=D("121.00"), by=finance)
    other = payment_start_checkout(invoice=invoice, amount=D("50.00"), by=finance)
    assert other.pk != first.pk
    PaymentAttempt.objects.filter(pk=first.pk).update(
        created_at=first.created_at - datetime.timedelta(minutes=11)
    )
    later = payment_start_checkout(invoice=invoice, amount=D("121.00"), by=finance)
    assert later.pk not in (first.pk, other.pk)
    assert len(mollie.created()) == 3
