"""The back-office PDF buttons: previewing a draft and downloading issued documents."""

import hashlib

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from billing.models import Invoice
from billing.services import credit_note_issue
from tests.factories import draft_invoice, issued_invoice, line

from .pdf_utils import pdf_text

pytestmark = pytest.mark.django_db


def test_staff_previews_a_draft_marked_draft_and_nothing_is_stored(
    admin_client, client_org, media_root
):
    draft = draft_invoice(client_org, [line("100.00", text="Logo design")])
    page = admin_client.get(reverse("admin:billing_invoice_change", args=[draft.pk]))
    preview_url = reverse("admin:billing_invoice_pdf", args=[draft.pk])
    assert preview_url in page.content.decode()

    response = admin_client.get(preview_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="draft-invoice-{draft.pk}.pdf"'
    text = pdf_text(response.content)
    assert "DRAFT" in text and "Logo design" in text
    draft.refresh_from_db()
    assert draft.is_draft and not draft.pdf_sha256
    assert not list(media_root.rglob("*.pdf"))


def test_staff_downloads_the_stored_pdf_of_an_issued_invoice(admin_client, admin_user, client_org):
    invoice = issued_invoice(client_org, [line("100.00")])
    page = admin_client.get(reverse("admin:billing_invoice_change", args=[invoice.pk]))
    url = reverse("admin:billing_invoice_pdf", args=[invoice.pk])
    assert url in page.content.decode()

    first = admin_client.get(url, REMOTE_ADDR="198.51.100.7")
    second = admin_client.get(url)

    invoice = Invoice.objects.get(pk=invoice.pk)
    assert first["Content-Disposition"] == f'attachment; filename="invoice-{invoice.number}.pdf"'
    assert "no-store" in first["Cache-Control"]
    assert first.content == second.content
    assert hashlib.sha256(first.content).hexdigest() == invoice.pdf_sha256
    assert "DRAFT" not in pdf_text(first.content)
    downloads = AuditEvent.objects.filter(action="invoice.pdf_downloaded").order_by("id")
    assert [(event.actor, event.client) for event in downloads] == [(admin_user, client_org)] * 2
    assert downloads[0].ip == "198.51.100.7"


def test_staff_downloads_a_credit_note_pdf(admin_client, client_org):
    invoice = issued_invoice(client_org, [line("100.00")])
    note = credit_note_issue(invoice=invoice, lines=[line("10.00")], reason="Discount", by="test")
    page = admin_client.get(reverse("admin:billing_creditnote_change", args=[note.pk]))
    url = reverse("admin:billing_creditnote_pdf", args=[note.pk])
    assert url in page.content.decode()

    response = admin_client.get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="credit-note-{note.number}.pdf"'
    )
    assert f"Corrects invoice {invoice.number}" in pdf_text(response.content)


def test_a_tampered_pdf_gives_staff_a_message_instead_of_the_file(
    admin_client, client_org, media_root
):
    invoice = issued_invoice(client_org, [line("100.00")])
    url = reverse("admin:billing_invoice_pdf", args=[invoice.pk])
    admin_client.get(url)
    invoice.refresh_from_db()
    (media_root / invoice.pdf_file.name).write_bytes(b"%PDF-1.7 something else")

    response = admin_client.get(url, follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "admin:billing_invoice_change", args=[invoice.pk]
    )
    assert any("no longer matches" in str(m) for m in response.context["messages"])


def test_a_missing_pdf_is_not_rendered_again_and_staff_are_told(
    admin_client, client_org, media_root
):
    invoice = issued_invoice(client_org, [line("100.00")])
    url = reverse("admin:billing_invoice_pdf", args=[invoice.pk])
    admin_client.get(url)
    invoice.refresh_from_db()
    (media_root / invoice.pdf_file.name).unlink()

    response = admin_client.get(url, follow=True)

    assert any("is missing" in str(m) for m in response.context["messages"])
    assert not list(media_root.rglob("*.pdf"))
    assert AuditEvent.objects.filter(action="invoice.pdf_stored").count() == 1


def test_a_stored_download_takes_a_handful_of_queries(
    admin_client, client_org, django_assert_max_num_queries
):
    invoice = issued_invoice(client_org, [line("100.00")])
    url = reverse("admin:billing_invoice_pdf", args=[invoice.pk])
    admin_client.get(url)  # stores it

    # session, user, two-factor device, memberships, the invoice, and the audit event
    # (in a savepoint): never the lines, never a render
    with django_assert_max_num_queries(8) as queries:
        response = admin_client.get(url)

    assert response.status_code == 200
    assert not any("billing_invoiceline" in query["sql"] for query in queries.captured_queries)
