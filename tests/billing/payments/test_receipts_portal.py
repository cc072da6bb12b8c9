"""Payments and receipts in the portal: the organisation's own only, in few queries."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from accounts.models import Membership
from billing.models import Payment
from billing.services import payment_record
from tests.factories import ClientFactory, issued_invoice, line
from tests.portal_support import NAV, SCOPE, member_of

from .flow import fresh, pay

pytestmark = pytest.mark.django_db


def receipt_url(payment):
    return reverse("portal:receipt", args=[payment.key])


def test_the_payments_page_lists_money_received_with_a_receipt_each(mollie, client, invoice):
    attempt = pay(mollie, invoice, "121.00", method="ideal")
    online = attempt.ledger_rows.get()
    client.force_login(member_of(invoice.client, role=Membership.Role.VIEWER))

    page = client.get(reverse("portal:payment_list"))
    assert page.status_code == 200
    for shown in (invoice.number, "€121.00", "iDEAL", attempt.mollie_id, receipt_url(online)):
        assert shown in page.text

    receipt = client.get(receipt_url(online))
    assert receipt.status_code == 200
    for shown in (
        "Payment receipt",
        invoice.issuer.legal_name,
        invoice.client.legal_name,
        invoice.number,
        "€121.00",
        "iDEAL (paid online)",
        attempt.mollie_id,
        "Print receipt",
    ):
        assert shown in receipt.text

    detail = client.get(reverse("portal:invoice_detail", args=[invoice.key]))
    assert receipt_url(online) in detail.text


def test_refunds_are_listed_but_have_no_receipt(mollie, client, invoice):
    attempt = pay(mollie, invoice)
    refund = payment_record(
        invoice=fresh(invoice),
        amount=D("21.00"),
        by="test",
        kind=Payment.Kind.REFUNDED,
        reference="re_test",
    )
    client.force_login(member_of(invoice.client))
    page = client.get(reverse("portal:payment_list"))
    assert "-€21.00" in page.text and "Refunded" in page.text
    assert receipt_url(refund) not in page.text
    assert client.get(receipt_url(refund)).status_code == 404
    assert client.get(receipt_url(attempt.ledger_rows.get())).status_code == 200


def test_another_clients_payments_and_receipts_stay_hidden(client, invoice):
    other = issued_invoice(ClientFactory(), [line("50.00")])
    foreign = payment_record(invoice=other, amount=D("20.00"), by="test", reference="THEIRS-1")
    client.force_login(member_of(invoice.client))
    page = client.get(reverse("portal:payment_list"))
    assert "THEIRS-1" not in page.text and other.number not in page.text
    assert "No payments have been received yet." in page.text
    missing = client.get(receipt_url(foreign))
    assert missing.status_code == 404 and other.number not in missing.text
    assert foreign.invoice == other


def _pay_many(client_org, count):
    invoices = [issued_invoice(client_org, [line("10.00", "0")]) for _ in range(count)]
    for index, invoice in enumerate(invoices):
        payment_record(invoice=invoice, amount=D("4.00"), by="test", reference=f"B-{index}")
        payment_record(invoice=fresh(invoice), amount=D("6.00"), by="test", reference=f"C-{index}")


def test_the_payments_pages_run_the_same_queries_with_many_payments(
    client, client_org, django_assert_max_num_queries
):
    client.force_login(member_of(client_org))
    client.get(reverse("portal:dashboard"))  # the first page stores the current client
    counts = []
    for batch in (3, 27):  # 6 payments, then 60
        _pay_many(client_org, batch)
        newest = Payment.objects.filter(client=client_org).order_by("-id").first()
        with django_assert_max_num_queries(5 + SCOPE + NAV) as listing:
            assert client.get(reverse("portal:payment_list")).status_code == 200
        with django_assert_max_num_queries(5 + SCOPE + NAV) as filtered:
            url = reverse("portal:payment_list") + "?kind=received&booked_after=2000-01-01"
            assert client.get(url).status_code == 200
        with django_assert_max_num_queries(4 + SCOPE + NAV) as receipt:
            assert client.get(receipt_url(newest)).status_code == 200
        counts.append((len(listing), len(filtered), len(receipt)))
    assert Payment.objects.filter(client=client_org).count() == 60
    # Six payments fit on one page and are counted from their rows; sixty need one COUNT(*).
    for few, many in zip(counts[0], counts[1], strict=True):
        assert few <= many <= few + 1


def test_payments_can_be_found_by_invoice_kind_and_period(client, client_org):
    first = issued_invoice(client_org, [line("10.00", "0")])
    second = issued_invoice(client_org, [line("10.00", "0")])
    payment_record(invoice=first, amount=D("10.00"), by="test", reference="FIRST-1")
    payment_record(invoice=second, amount=D("10.00"), by="test", reference="SECOND-1")
    client.force_login(member_of(client_org))
    url = reverse("portal:payment_list")

    page = client.get(url, {"number": second.number})
    assert "SECOND-1" in page.text and "FIRST-1" not in page.text
    assert "1 payment" in page.text
    none = client.get(url, {"kind": "refunded"})
    assert "No payments match these filters." in none.text
    reversed_period = client.get(url, {"booked_after": "2026-02-01", "booked_before": "2026-01-01"})
    assert reversed_period.status_code == 200
    assert "The end date lies before the start date." in reversed_period.text
    assert "FIRST-1" not in reversed_period.text
