from decimal import Decimal as D

import pytest

from billing.exceptions import BillingError
from billing.models import Invoice, InvoiceStatus, Payment
from billing.services import (
    credit_note_issue,
    credit_note_lines_for_remaining,
    invoice_recompute,
    payment_record,
)
from tests.factories import draft_invoice, issued_invoice, line

pytestmark = pytest.mark.django_db
S = InvoiceStatus


def _fresh(invoice):
    return Invoice.objects.get(pk=invoice.pk)


def _book(invoice, amount, kind=Payment.Kind.RECEIVED, reference=""):
    return payment_record(
        invoice=invoice, amount=D(amount), by="test", kind=kind, reference=reference
    )


@pytest.fixture
def invoice(client_org):
    # 200.00 at 21% + 50.00 at 9% = 242.00 + 54.50 = 296.50
    return issued_invoice(client_org, [line("200.00", "21"), line("50.00", "9")])


def test_issued_totals_are_frozen_from_the_lines(invoice):
    assert (invoice.subtotal, invoice.vat_total, invoice.total) == (
        D("250.00"),
        D("46.50"),
        D("296.50"),
    )
    assert invoice.balance == D("296.50")


def test_balance_after_partial_payments(invoice):
    _book(invoice, "100.00")
    _book(invoice, "46.50")
    invoice = _fresh(invoice)
    assert (invoice.amount_paid, invoice.balance, invoice.status) == (
        D("146.50"),
        D("150.00"),
        S.PARTIALLY_PAID,
    )


def test_credit_note_lowers_the_balance(invoice):
    note = credit_note_issue(
        invoice=invoice, lines=[line("100.00", "21")], reason="Discount", by="test"
    )
    assert note.total == D("121.00") and note.vat_total == D("21.00")
    invoice = _fresh(invoice)
    assert (invoice.amount_credited, invoice.balance, invoice.status) == (
        D("121.00"),
        D("175.50"),
        S.OPEN,
    )


def test_balance_is_total_minus_net_paid_minus_credited(invoice):
    _book(invoice, "200.00")
    _book(invoice, "20.00", kind=Payment.Kind.REFUNDED)
    _book(invoice, "30.00", kind=Payment.Kind.CHARGEBACK)
    credit_note_issue(invoice=invoice, lines=[line("10.00", "9")], reason="Late", by="test")
    invoice = _fresh(invoice)
    assert invoice.amount_paid == D("150.00")
    assert invoice.amount_credited == D("10.90")
    assert invoice.balance == D("296.50") - D("150.00") - D("10.90")
    assert invoice.status == S.PARTIALLY_PAID


def test_payment_plus_credit_covering_the_total_is_paid(invoice):
    _book(invoice, "175.50")
    credit_note_issue(invoice=invoice, lines=[line("100.00", "21")], reason="Discount", by="test")
    assert _fresh(invoice).status == S.PAID


def test_fully_credited_invoice_is_settled(invoice):
    credit_note_issue(
        invoice=invoice,
        lines=credit_note_lines_for_remaining(invoice),
        reason="Cancelled",
        by="test",
    )
    invoice = _fresh(invoice)
    assert (invoice.amount_credited, invoice.balance, invoice.status) == (
        D("296.50"),
        D("0.00"),
        S.PAID,
    )


def test_credit_note_on_a_paid_invoice_leaves_money_owed_back(invoice):
    _book(invoice, "296.50")
    credit_note_issue(invoice=invoice, lines=[line("50.00", "9")], reason="Returned", by="test")
    assert _fresh(invoice).balance == D("-54.50")
    _book(invoice, "54.50", kind=Payment.Kind.REFUNDED)
    invoice = _fresh(invoice)
    assert (invoice.balance, invoice.status) == (D("0.00"), S.PAID)


def test_cannot_credit_more_than_remains(invoice):
    credit_note_issue(invoice=invoice, lines=[line("150.00", "21")], reason="Part", by="test")
    with pytest.raises(BillingError, match="at most"):
        credit_note_issue(
            invoice=invoice, lines=[line("50.01", "21")], reason="Too much", by="test"
        )
    credit_note_issue(invoice=invoice, lines=[line("50.00", "21")], reason="Rest", by="test")
    assert _fresh(invoice).amount_credited == D("242.00")


def test_cannot_credit_a_rate_the_invoice_does_not_have(invoice):
    with pytest.raises(BillingError, match="no lines at 6% VAT"):
        credit_note_issue(invoice=invoice, lines=[line("1.00", "6")], reason="x", by="test")


def test_credit_note_needs_a_reason_and_positive_lines(invoice):
    with pytest.raises(BillingError, match="why"):
        credit_note_issue(invoice=invoice, lines=[line("1.00")], reason=" ", by="test")
    with pytest.raises(BillingError, match="positive"):
        credit_note_issue(invoice=invoice, lines=[line("-1.00")], reason="x", by="test")


def test_drafts_cannot_be_credited_or_paid(client_org):
    draft = draft_invoice(client_org)
    with pytest.raises(BillingError):
        credit_note_issue(invoice=draft, lines=[line("1.00")], reason="x", by="test")
    with pytest.raises(BillingError, match="Issue the invoice"):
        _book(draft, "1.00")


def test_cannot_refund_more_than_was_paid(invoice):
    _book(invoice, "50.00")
    with pytest.raises(BillingError, match="At most"):
        _book(invoice, "50.01", kind=Payment.Kind.REFUNDED)


@pytest.mark.parametrize("amount", ["0", "-5.00", "1.001"])
def test_payment_amount_must_be_positive_cents(invoice, amount):
    with pytest.raises(BillingError) as refused:
        _book(invoice, amount)
    assert "amount" in refused.value.message_dict


def test_booking_the_same_reference_twice_counts_once(invoice):
    first = _book(invoice, "100.00", reference="NL-BANK-1")
    again = _book(invoice, "100.00", reference="NL-BANK-1")
    assert again.pk == first.pk
    assert _fresh(invoice).amount_paid == D("100.00")
    with pytest.raises(BillingError, match="another amount"):
        _book(invoice, "99.00", reference="NL-BANK-1")


def test_recompute_reads_the_rows_so_running_it_again_changes_nothing(invoice):
    _book(invoice, "96.50")
    locked = _fresh(invoice)
    for _ in range(3):
        invoice_recompute(locked, by="test")
    invoice = _fresh(invoice)
    assert (invoice.amount_paid, invoice.balance) == (D("96.50"), D("200.00"))
