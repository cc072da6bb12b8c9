import datetime
import itertools
from decimal import Decimal as D

import pytest

from accounts.models import AuditEvent
from billing.exceptions import BillingError, TransitionRefused
from billing.models import ALLOWED_TRANSITIONS, Invoice, InvoiceStatus, Payment
from billing.services import (
    credit_note_issue,
    invoice_issue,
    invoice_void,
    invoice_write_off,
    payment_record,
)
from tests.factories import UserFactory, draft_invoice, issued_invoice, line

pytestmark = pytest.mark.django_db
S = InvoiceStatus

ALL_MOVES = list(itertools.product(S.values, S.values))


@pytest.mark.parametrize(("current", "target"), ALL_MOVES)
def test_transition_table_is_the_only_judge(current, target):
    invoice = Invoice(status=current)
    if target in ALLOWED_TRANSITIONS[current]:
        invoice.check_transition(target)
    else:
        with pytest.raises(TransitionRefused):
            invoice.check_transition(target)


def test_nothing_goes_back_to_draft_and_void_is_final():
    assert all(S.DRAFT not in targets for targets in ALLOWED_TRANSITIONS.values())
    assert ALLOWED_TRANSITIONS[S.VOID] == frozenset()


def _statuses(invoice):
    return [
        (e.data["from"], e.data["to"])
        for e in AuditEvent.objects.filter(
            action="invoice.status_changed", object_id=str(invoice.pk)
        ).order_by("id")
    ]


def test_issue_opens_the_invoice_and_records_who_did_it(client_org):
    clerk = UserFactory()
    invoice = invoice_issue(invoice=draft_invoice(client_org), by=clerk)
    assert invoice.status == S.OPEN
    event = AuditEvent.objects.get(action="invoice.status_changed", object_id=str(invoice.pk))
    assert (event.actor, event.client, event.data["from"], event.data["to"]) == (
        clerk,
        client_org,
        "draft",
        "open",
    )


def test_issue_sets_due_date_from_the_client_terms(client_org):
    client_org.payment_terms_days = 14
    client_org.save()
    invoice = issued_invoice(client_org, issue_date=datetime.date(2026, 4, 1))
    assert invoice.due_date == datetime.date(2026, 4, 15)


def test_issue_refuses_an_invoice_without_lines(client_org):
    invoice = draft_invoice(client_org)
    invoice.lines.all().delete()
    with pytest.raises(BillingError, match="at least one line"):
        invoice_issue(invoice=invoice, by="test")


def test_an_issued_invoice_cannot_be_issued_again(client_org):
    invoice = issued_invoice(client_org)
    with pytest.raises(TransitionRefused):
        invoice_issue(invoice=invoice, by="test")


def test_paying_in_parts_moves_open_to_partially_paid_to_paid(client_org):
    invoice = issued_invoice(client_org, [line("100.00")])  # 121.00
    invoice = _pay(invoice, "21.00")
    assert invoice.status == S.PARTIALLY_PAID
    invoice = _pay(invoice, "100.00")
    assert invoice.status == S.PAID and invoice.paid_at is not None
    assert _statuses(invoice) == [
        ("draft", "open"),
        ("open", "partially_paid"),
        ("partially_paid", "paid"),
    ]


def test_a_refund_reopens_a_paid_invoice(client_org):
    invoice = _pay(issued_invoice(client_org, [line("100.00")]), "121.00")
    invoice = _pay(invoice, "21.00", kind=Payment.Kind.REFUNDED)
    assert invoice.status == S.PARTIALLY_PAID and invoice.paid_at is None
    invoice = _pay(invoice, "100.00", kind=Payment.Kind.CHARGEBACK)
    assert invoice.status == S.OPEN and invoice.balance == D("121.00")


def test_void_only_when_nothing_was_paid(client_org):
    untouched = invoice_void(invoice=issued_invoice(client_org), by="test", reason="Wrong client")
    assert untouched.status == S.VOID and untouched.balance == 0
    part_paid = _pay(issued_invoice(client_org), "1.00")
    with pytest.raises(TransitionRefused):
        invoice_void(invoice=part_paid, by="test")


def test_void_refused_after_a_credit_note(client_org):
    invoice = issued_invoice(client_org)
    credit_note_issue(invoice=invoice, lines=[line("10.00")], reason="Discount", by="test")
    with pytest.raises(BillingError, match="credit notes"):
        invoice_void(invoice=invoice, by="test")


def test_void_refused_for_a_paid_invoice(client_org):
    paid = _pay(issued_invoice(client_org, [line("10.00")]), "12.10")
    with pytest.raises(TransitionRefused, match="paid cannot become void"):
        invoice_void(invoice=paid, by="test")


def test_draft_cannot_be_voided_or_written_off(client_org):
    draft = draft_invoice(client_org)
    for service in (invoice_void, invoice_write_off):
        with pytest.raises(TransitionRefused):
            service(invoice=draft, by="test")


def test_write_off_open_or_partly_paid_but_not_paid(client_org):
    assert invoice_write_off(invoice=issued_invoice(client_org), by="test").status == (
        S.UNCOLLECTIBLE
    )
    partly = _pay(issued_invoice(client_org), "5.00")
    assert invoice_write_off(invoice=partly, by="test").status == S.UNCOLLECTIBLE
    paid = _pay(issued_invoice(client_org, [line("10.00")]), "12.10")
    with pytest.raises(TransitionRefused):
        invoice_write_off(invoice=paid, by="test")


def test_written_off_invoice_paid_after_all_becomes_paid(client_org):
    invoice = invoice_write_off(invoice=issued_invoice(client_org, [line("10.00")]), by="test")
    assert _pay(invoice, "5.00").status == S.UNCOLLECTIBLE
    assert _pay(invoice, "7.10").status == S.PAID


def test_void_invoice_stays_void_and_owes_back_money_that_arrives(client_org):
    invoice = invoice_void(invoice=issued_invoice(client_org), by="test")
    invoice = _pay(invoice, "10.00")
    assert invoice.status == S.VOID and invoice.balance == D("-10.00")


def test_overdue_is_derived_from_due_date_and_outstanding_status(client_org):
    invoice = issued_invoice(client_org, issue_date=datetime.date(2026, 1, 1))  # due 31 Jan
    assert not invoice.is_overdue(datetime.date(2026, 1, 31))
    assert invoice.is_overdue(datetime.date(2026, 2, 1))
    assert invoice.days_overdue(datetime.date(2026, 2, 10)) == 10
    assert list(Invoice.objects.overdue(on=datetime.date(2026, 2, 1))) == [invoice]
    paid = _pay(invoice, str(invoice.total))
    assert not paid.is_overdue(datetime.date(2026, 2, 10))
    assert not Invoice.objects.overdue(on=datetime.date(2026, 2, 1)).exists()


def _pay(invoice, amount, kind=Payment.Kind.RECEIVED):
    payment_record(invoice=invoice, amount=D(amount), by="test", kind=kind)
    return Invoice.objects.get(pk=invoice.pk)
