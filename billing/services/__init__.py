"""Every state change of the billing domain; views, admin, tasks and commands call these."""

from .credit_notes import credit_note_issue, credit_note_lines_for_remaining
from .documents import (
    PdfFile,
    document_pdf_bytes,
    document_pdf_download,
    document_pdf_filename,
    document_pdf_store,
)
from .invoices import (
    LineInput,
    invoice_create_draft,
    invoice_issue,
    invoice_recalculate_draft,
    invoice_update_draft,
    invoice_void,
    invoice_write_off,
)
from .ledger import invoice_recompute
from .payments import payment_record

__all__ = [
    "LineInput",
    "PdfFile",
    "credit_note_issue",
    "credit_note_lines_for_remaining",
    "document_pdf_bytes",
    "document_pdf_download",
    "document_pdf_filename",
    "document_pdf_store",
    "invoice_create_draft",
    "invoice_issue",
    "invoice_recalculate_draft",
    "invoice_recompute",
    "invoice_update_draft",
    "invoice_void",
    "invoice_write_off",
    "payment_record",
]
