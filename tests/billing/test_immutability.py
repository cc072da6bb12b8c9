from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from billing.exceptions import DocumentImmutable
from billing.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine
from billing.services import credit_note_issue, invoice_update_draft
from tests.factories import draft_invoice, issued_invoice, line

pytestmark = pytest.mark.django_db


def test_drafts_can_be_changed(client_org):
    draft = draft_invoice(client_org)
    changed = invoice_update_draft(invoice=draft, by="test", lines=[line("80.00")], notes="New")
    assert (changed.total, changed.notes) == (D("96.80"), "New")


def test_service_refuses_to_change_an_issued_invoice(client_org):
    invoice = issued_invoice(client_org)
    with pytest.raises(DocumentImmutable, match="credit note"):
        invoice_update_draft(invoice=invoice, by="test", lines=[line("1.00")])
    assert Invoice.objects.get(pk=invoice.pk).total == D("121.00")


@pytest.mark.parametrize(
    "change",
    [
        {"total": D("1.00")},
        {"number": "2026-999999"},
        {"due_date": None},
        {"status": "draft"},
        {"notes": "changed"},
    ],
)
def test_database_refuses_changes_to_an_issued_invoice(client_org, change):
    invoice = issued_invoice(client_org)
    with pytest.raises(IntegrityError, match="issued"), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(**change)


def test_database_still_lets_derived_fields_move(client_org):
    invoice = issued_invoice(client_org)
    Invoice.objects.filter(pk=invoice.pk).update(balance=D("0"), status="paid")


def test_database_refuses_line_changes_and_deletes_on_an_issued_invoice(client_org):
    invoice = issued_invoice(client_org)
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceLine.objects.filter(invoice=invoice).update(unit_price=D("1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceLine.objects.filter(invoice=invoice).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceLine.objects.create(
            invoice=invoice, client=client_org, description="Extra", unit_price=D("5")
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).delete()


def test_database_refuses_changes_to_credit_notes(client_org):
    invoice = issued_invoice(client_org)
    note = credit_note_issue(invoice=invoice, lines=[line("10.00")], reason="x", by="test")
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditNote.objects.filter(pk=note.pk).update(total=D("1.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditNoteLine.objects.filter(credit_note=note).update(description="y")


def test_admin_shows_an_issued_invoice_read_only(admin_client, client_org):
    invoice = issued_invoice(client_org)
    url = reverse("admin:billing_invoice_change", args=[invoice.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert list(form.fields) == []  # nothing on the form can be edited
    assert not page.context["inline_admin_formsets"][0].has_change_permission

    admin_client.post(
        url,
        {
            "notes": "sneaky",
            "due_date": "2030-01-01",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-description": "Extra",
            "lines-0-unit_price": "999",
            "lines-0-quantity": "1",
            "lines-0-vat_rate": "21",
        },
    )
    invoice.refresh_from_db()
    assert invoice.notes == "" and invoice.lines.count() == 1 and invoice.total == D("121.00")
