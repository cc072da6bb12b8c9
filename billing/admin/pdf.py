"""The back-office's PDF buttons: a draft preview that is never stored, and stored downloads."""

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from billing.exceptions import StoredPdfMismatch
from billing.models import CreditNote, Invoice
from billing.pdf import invoice_pdf_render
from billing.pdf.http import pdf_response
from billing.services import PdfFile, document_pdf_download


def _change_page(document: Invoice | CreditNote) -> HttpResponseRedirect:
    opts = document._meta
    return HttpResponseRedirect(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[document.pk])
    )


def pdf_preview_response(invoice: Invoice) -> HttpResponse:
    """Render a draft, marked DRAFT and without a number, to look at in the browser."""
    content = invoice_pdf_render(invoice, draft=True)
    return pdf_response(PdfFile(f"draft-invoice-{invoice.pk}.pdf", content), inline=True)


def pdf_download_response(
    model_admin: admin.ModelAdmin, request: HttpRequest, document: Invoice | CreditNote
) -> HttpResponse:
    """Send an issued document's stored PDF (storing it first if the worker has not yet)."""
    try:
        pdf = document_pdf_download(document=document, by=request.user)
    except StoredPdfMismatch:
        model_admin.message_user(
            request,
            _(
                "The stored PDF of %(number)s is missing or no longer matches the fingerprint "
                "recorded when it was issued, so it was not sent. Ask whoever runs the file "
                "storage to restore it."
            )
            % {"number": document.number},
            messages.ERROR,
        )
        return _change_page(document)
    return pdf_response(pdf)
