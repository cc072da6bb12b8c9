"""The stored PDF of an issued invoice or credit note: rendered once, then served as stored."""

import hashlib
import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import Actor, audit_record
from billing.exceptions import BillingError, StoredPdfMismatch
from billing.models import CreditNote, Invoice
from billing.pdf import credit_note_pdf_render, invoice_pdf_render

logger = logging.getLogger(__name__)

Document = Invoice | CreditNote


@dataclass(frozen=True)
class PdfFile:
    """A document's PDF ready to send: its bytes and the name to save it under."""

    filename: str
    content: bytes


def _kind(document: Document) -> str:
    return "credit_note" if isinstance(document, CreditNote) else "invoice"


def document_pdf_filename(document: Document) -> str:
    """Return the name a person saves it under: invoice-2026-000123.pdf, credit-note-CN-….pdf."""
    prefix = "credit-note" if isinstance(document, CreditNote) else "invoice"
    safe = "".join(
        char if char.isalnum() or char in "-_." else "-" for char in document.number or ""
    )
    return f"{prefix}-{safe}.pdf"


def _render(document: Document) -> bytes:
    if isinstance(document, CreditNote):
        return credit_note_pdf_render(document)
    return invoice_pdf_render(document)


def _locked(document: Document) -> Document:
    """Return the document re-read with its row locked (only its own row) and its lines."""
    if isinstance(document, CreditNote):
        return (
            CreditNote.objects.select_for_update(of=("self",))
            .select_related("issuer", "client", "invoice")
            .prefetch_related("lines")
            .get(pk=document.pk)
        )
    return (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("issuer", "client")
        .prefetch_related("lines")
        .get(pk=document.pk)
    )


@transaction.atomic
def document_pdf_store(*, document: Document, by: Actor = "worker") -> Document:
    """Render an issued document's PDF and store it with its SHA-256, unless it is stored already.

    The row stays locked while rendering, so a second caller waits and then finds the file:
    a document is rendered once. The file is written before commit; if the transaction
    fails it is removed again.
    """
    document = _locked(document)
    if document.pdf_sha256:
        return document
    if isinstance(document, Invoice) and document.is_draft:
        raise BillingError(_("A draft has no PDF to store; preview it instead."))
    content = _render(document)
    digest = hashlib.sha256(content).hexdigest()
    document.pdf_file.save(document_pdf_filename(document), ContentFile(content), save=False)
    stored_name = document.pdf_file.name
    storage = document.pdf_file.storage
    try:
        document.pdf_sha256 = digest
        document.save(update_fields=["pdf_file", "pdf_sha256"])
        audit_record(
            action=f"{_kind(document)}.pdf_stored",
            by=by,
            client=document.client,
            target=document,
            data={"file": stored_name, "sha256": digest, "bytes": len(content)},
        )
    except BaseException:
        storage.delete(stored_name)
        raise
    return document


def _refuse(document: Document, problem: str) -> StoredPdfMismatch:
    logger.critical(
        "Stored PDF %s of %s %s %s; refusing to serve it (recorded SHA-256 %s)",
        document.pdf_file.name,
        _kind(document),
        document.number,
        problem,
        document.pdf_sha256,
    )
    return StoredPdfMismatch(f"{document.pdf_file.name} {problem}")


def _stored(document: Document, by: Actor) -> tuple[Document, bytes]:
    if not document.pdf_sha256:
        document = document_pdf_store(document=document, by=by)
    try:
        with document.pdf_file.open("rb") as stored:
            content = stored.read()
    except OSError as exc:
        raise _refuse(document, "cannot be read") from exc
    if hashlib.sha256(content).hexdigest() != document.pdf_sha256:
        raise _refuse(document, "does not match its SHA-256")
    return document, content


def document_pdf_bytes(*, document: Document) -> bytes:
    """Return the stored PDF's bytes, storing it first if it was not yet rendered.

    Never renders a stored document again. Raises StoredPdfMismatch if the stored file is
    gone or no longer matches the SHA-256 recorded when it was stored.
    """
    return _stored(document, "system")[1]


@transaction.atomic
def document_pdf_download(*, document: Document, by: Actor, via_link: bool = False) -> PdfFile:
    """Hand out an issued document's stored PDF and record who downloaded it.

    `via_link` records that the holder of the invoice's payment link downloaded it.
    """
    document, content = _stored(document, by)
    filename = document_pdf_filename(document)
    data: dict[str, object] = {
        "number": document.number,
        "file": filename,
        "sha256": document.pdf_sha256,
    }
    if via_link:
        data["via_link"] = True
    audit_record(
        action=f"{_kind(document)}.pdf_downloaded",
        by=by,
        client=document.client,
        target=document,
        data=data,
    )
    return PdfFile(filename=filename, content=content)
