"""Downloading the stored PDF of an invoice or credit note from the portal.

Both walls stay up, although the first download may need more rights than a portal request has.
The document is looked up inside the client's database scope (`client_scope`): the query is
narrowed to the client (`for_client`) and row-level security lets no other client's row through,
so another client's key is a 404 twice over. But a document whose PDF the worker has not stored
yet is rendered on its first download and stored then: that locks the document's row and writes
its file and hash, which the restricted role may not do (no UPDATE on invoices, no row locks), and
the render must not sit inside the request's scope transaction. So these views are
`client_scope_exempt`: they open the scope themselves for the lookup only, leave it, and then
call `document_pdf_download` with ordinary rights. That service serves the stored bytes, or locks
the row, renders once and stores (a concurrent first download waits on the lock and finds the
file), and records the download. Only that service runs outside the scope, and only on an
object the scope found.
"""

import uuid
from typing import TypeVar

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.audit import Actor
from accounts.rls import client_scope
from accounts.roles import Action
from accounts.scoping import (
    ScopedSource,
    client_of,
    client_scope_exempt,
    role_required,
    scoped_get_or_404,
)
from billing.exceptions import StoredPdfMismatch
from billing.models import CreditNote, Invoice
from billing.pdf.http import pdf_response
from billing.services import document_pdf_download

D = TypeVar("D", bound=models.Model)


def document_in_scope(request: HttpRequest, source: ScopedSource[D], key: uuid.UUID) -> D:
    """Return the current client's document with this key, looked up under row-level security."""
    client = client_of(request)
    with client_scope(client, user=request.user):
        return scoped_get_or_404(source, client, key=key)


def pdf_download_response(
    request: HttpRequest,
    document: Invoice | CreditNote,
    *,
    by: Actor,
    back_url: str,
    via_link: bool = False,
) -> HttpResponse:
    """Send the document's stored PDF, or a 503 page if the stored file is gone or altered.

    The service has logged the broken file as critical; the person gets a page, not an error.
    """
    try:
        pdf = document_pdf_download(document=document, by=by, via_link=via_link)
    except StoredPdfMismatch:
        return render(
            request,
            "portal/pdf_unavailable.html",
            {"document": document, "back_url": back_url, "branding_issuer": document.issuer},
            status=503,
        )
    return pdf_response(pdf)


@client_scope_exempt
@require_GET
@role_required(Action.DOWNLOAD)
def invoice_pdf(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    """Send one of the organisation's invoices as its stored PDF."""
    invoice = document_in_scope(request, Invoice.objects.select_related("client", "issuer"), key)
    back_url = reverse("portal:invoice_detail", args=[invoice.key])
    return pdf_download_response(request, invoice, by=request.user, back_url=back_url)


@client_scope_exempt
@require_GET
@role_required(Action.DOWNLOAD)
def credit_note_pdf(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    """Send one of the organisation's credit notes as its stored PDF."""
    source = CreditNote.objects.select_related("client", "issuer")
    credit_note = document_in_scope(request, source, key)
    back_url = reverse("portal:credit_note_detail", args=[credit_note.key])
    return pdf_download_response(request, credit_note, by=request.user, back_url=back_url)
