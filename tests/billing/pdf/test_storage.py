"""Issued documents get their PDF rendered once, stored, and served as stored forever after."""

import hashlib
import threading
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import AuditEvent
from billing.exceptions import BillingError, StoredPdfMismatch
from billing.models import CreditNote, Invoice
from billing.services import (
    credit_note_issue,
    document_pdf_bytes,
    document_pdf_download,
    document_pdf_filename,
    document_pdf_store,
    invoice_issue,
    invoice_write_off,
    payment_record,
)
from tests.factories import UserFactory, draft_invoice, issued_invoice, line

from .pdf_utils import pdf_text


def _stored_files(media_root: Path) -> list[Path]:
    return sorted(path for path in media_root.rglob("*.pdf"))


def _renders(document) -> int:
    """How often the document was rendered and stored, from the audit trail."""
    kind = "credit_note" if isinstance(document, CreditNote) else "invoice"
    return AuditEvent.objects.filter(
        action=f"{kind}.pdf_stored", object_id=str(document.pk)
    ).count()


@pytest.mark.django_db(transaction=True)
def test_issuing_queues_the_render_and_the_pdf_is_stored_with_its_hash(client_org, media_root):
    invoice = issued_invoice(client_org, [line("100.00")])  # the worker runs on commit

    invoice.refresh_from_db()
    assert invoice.pdf_sha256
    folder = f"documents/{client_org.issuer_id}/{invoice.issue_date.year}"
    assert invoice.pdf_file.name == f"{folder}/invoice-{invoice.number}.pdf"
    stored = (media_root / invoice.pdf_file.name).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == invoice.pdf_sha256
    assert invoice.number in pdf_text(stored)
    assert _renders(invoice) == 1


@pytest.mark.django_db(transaction=True)
def test_issuing_a_credit_note_stores_its_pdf_too(client_org, media_root):
    invoice = issued_invoice(client_org, [line("100.00")])
    note = credit_note_issue(invoice=invoice, lines=[line("10.00")], reason="Discount", by="test")

    note.refresh_from_db()
    assert note.pdf_sha256
    stored = (media_root / note.pdf_file.name).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == note.pdf_sha256
    assert f"Corrects invoice {invoice.number}" in pdf_text(stored)
    assert len(_stored_files(media_root)) == 2  # the invoice's and the credit note's


@pytest.mark.django_db(transaction=True)
def test_served_bytes_match_the_stored_hash_and_never_change(client_org, media_root):
    invoice = issued_invoice(client_org, [line("100.00")])
    invoice.refresh_from_db()
    first = document_pdf_bytes(document=invoice)
    sha = invoice.pdf_sha256
    assert hashlib.sha256(first).hexdigest() == sha

    payment_record(invoice=invoice, amount=invoice.total - 50, by="test", reference="BANK-1")
    credit_note_issue(invoice=invoice, lines=[line("10.00")], reason="Discount", by="test")
    invoice_write_off(invoice=invoice, by="test", reason="Client went bankrupt")
    invoice = Invoice.objects.get(pk=invoice.pk)

    assert invoice.status == Invoice.Status.UNCOLLECTIBLE
    assert invoice.pdf_sha256 == sha
    assert document_pdf_bytes(document=invoice) == first
    assert _renders(invoice) == 1


@pytest.mark.django_db
def test_a_document_is_stored_once_and_the_database_refuses_another_pdf(client_org):
    invoice = issued_invoice(client_org, [line("100.00")])
    stored = document_pdf_store(document=invoice)
    again = document_pdf_store(document=invoice)

    assert again.pdf_sha256 == stored.pdf_sha256 and again.pdf_file.name == stored.pdf_file.name
    assert _renders(invoice) == 1
    with pytest.raises(IntegrityError, match="stored PDF cannot be changed"), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(pdf_sha256="0" * 64)
    with pytest.raises(IntegrityError, match="stored PDF cannot be changed"), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(pdf_file="documents/other.pdf")
    with pytest.raises(IntegrityError, match="stored PDF cannot be changed"), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(pdf_file="", pdf_sha256="")


@pytest.mark.django_db
def test_the_database_refuses_a_credit_note_pdf_change(client_org):
    invoice = issued_invoice(client_org, [line("100.00")])
    note = credit_note_issue(invoice=invoice, lines=[line("10.00")], reason="Discount", by="test")
    document_pdf_store(document=note)

    with pytest.raises(IntegrityError, match="stored PDF cannot be changed"), transaction.atomic():
        CreditNote.objects.filter(pk=note.pk).update(pdf_sha256="0" * 64)


@pytest.mark.django_db
def test_the_database_refuses_a_hash_without_a_file_and_a_pdf_on_a_draft(client_org):
    invoice = issued_invoice(client_org, [line("100.00")])
    draft = draft_invoice(client_org)

    with pytest.raises(IntegrityError, match="both its file and its hash"), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(pdf_sha256="0" * 64)
    with pytest.raises(IntegrityError, match="draft"), transaction.atomic():
        Invoice.objects.filter(pk=draft.pk).update(pdf_sha256="0" * 64, pdf_file="x.pdf")


@pytest.mark.django_db
def test_a_draft_is_never_stored(client_org, media_root):
    draft = draft_invoice(client_org)

    with pytest.raises(BillingError, match="draft"):
        document_pdf_store(document=draft)
    assert _stored_files(media_root) == []


@pytest.mark.django_db
def test_a_tampered_file_is_refused_not_served(client_org, media_root, caplog):
    invoice = document_pdf_store(document=issued_invoice(client_org, [line("100.00")]))
    path = media_root / invoice.pdf_file.name
    path.write_bytes(path.read_bytes().replace(b"%%EOF", b"%%EOF\n% altered"))

    with pytest.raises(StoredPdfMismatch):
        document_pdf_bytes(document=invoice)
    assert "does not match its SHA-256" in caplog.text
    assert _renders(invoice) == 1  # and it is not silently rendered again


@pytest.mark.django_db
def test_a_download_is_audited_with_who_which_client_and_which_document(client_org):
    user = UserFactory()
    invoice = issued_invoice(client_org, [line("100.00")])

    pdf = document_pdf_download(document=invoice, by=user)

    event = AuditEvent.objects.get(action="invoice.pdf_downloaded")
    invoice.refresh_from_db()
    assert (event.actor, event.client, event.object_id) == (user, client_org, str(invoice.pk))
    assert event.data["sha256"] == invoice.pdf_sha256
    assert pdf.filename == f"invoice-{invoice.number}.pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == invoice.pdf_sha256


def test_filenames_name_the_kind_of_document_and_its_number():
    assert document_pdf_filename(Invoice(number="2026-000123")) == "invoice-2026-000123.pdf"
    assert (
        document_pdf_filename(CreditNote(number="CN-2026-000007"))
        == "credit-note-CN-2026-000007.pdf"
    )
    assert document_pdf_filename(Invoice(number="SN/2026 7")) == "invoice-SN-2026-7.pdf"


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_downloads_render_once(client_org, media_root, worker_stopped):
    draft = draft_invoice(client_org, [line("100.00")])
    invoice = invoice_issue(invoice=draft, by="test")  # queued; no worker has run yet
    assert not Invoice.objects.get(pk=invoice.pk).pdf_sha256
    user = UserFactory()
    start = threading.Barrier(4)
    served: list[bytes] = []
    errors: list[BaseException] = []

    def download() -> None:
        try:
            start.wait()
            pdf = document_pdf_download(document=Invoice.objects.get(pk=invoice.pk), by=user)
            served.append(pdf.content)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=download) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    invoice.refresh_from_db()
    assert len(served) == 4 and len(set(served)) == 1
    assert hashlib.sha256(served[0]).hexdigest() == invoice.pdf_sha256
    assert _renders(invoice) == 1
    assert len(_stored_files(media_root)) == 1
    assert AuditEvent.objects.filter(action="invoice.pdf_downloaded").count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_credit_note_downloaded_before_the_worker_ran_is_stored_then(
    client_org, media_root, worker_stopped
):
    invoice = issued_invoice(client_org, [line("100.00")])
    note = credit_note_issue(invoice=invoice, lines=[line("10.00")], reason="Discount", by="test")
    assert not CreditNote.objects.get(pk=note.pk).pdf_sha256

    first = document_pdf_download(document=note, by=UserFactory())
    second = document_pdf_download(document=CreditNote.objects.get(pk=note.pk), by="test")

    note.refresh_from_db()
    assert first.filename == f"credit-note-{note.number}.pdf"
    assert first.content == second.content
    assert hashlib.sha256(first.content).hexdigest() == note.pdf_sha256
    assert _renders(note) == 1
