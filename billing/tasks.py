"""Work the django-q2 worker does for billing; each task calls one service."""

from billing.models import CreditNote, Invoice
from billing.services import document_pdf_store


def invoice_pdf_store(invoice_id: int) -> str:
    """Render and store the PDF of an issued invoice (queued when it is issued)."""
    invoice = document_pdf_store(document=Invoice.objects.get(pk=invoice_id), by="worker")
    return invoice.pdf_sha256


def credit_note_pdf_store(credit_note_id: int) -> str:
    """Render and store the PDF of a credit note (queued when it is issued)."""
    credit_note = document_pdf_store(
        document=CreditNote.objects.get(pk=credit_note_id), by="worker"
    )
    return credit_note.pdf_sha256
