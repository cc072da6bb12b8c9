import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.audit import audit_record
from accounts.scoping import client_of, client_required, scoped_get_or_404
from billing.filters import CreditNoteFilter
from billing.models import CreditNote
from billing.views.listing import filter_data, paginate


@client_required
def credit_note_list(request: HttpRequest) -> HttpResponse:
    """List the organisation's credit notes with the invoice each one corrects."""
    client = client_of(request)
    filterset = CreditNoteFilter(
        filter_data(request, CreditNoteFilter),
        queryset=CreditNote.objects.for_client(client).select_related("invoice"),
        request=request,
    )
    valid = not filterset.is_bound or filterset.is_valid()
    page = paginate(request, filterset.qs if valid else CreditNote.objects.none())
    return render(
        request,
        "portal/credit_notes/list.html",
        {"filter": filterset, "valid": valid, "page": page},
    )


@client_required
def credit_note_detail(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    """Show one credit note with its lines, VAT and the invoice it corrects."""
    client = client_of(request)
    credit_note = scoped_get_or_404(
        CreditNote.objects.select_related("issuer", "client", "invoice").prefetch_related("lines"),
        client,
        key=key,
    )
    audit_record(action="credit_note.viewed", by=request.user, client=client, target=credit_note)
    return render(
        request,
        "portal/credit_notes/detail.html",
        {"credit_note": credit_note, "vat_breakdown": credit_note.vat_breakdown()},
    )
