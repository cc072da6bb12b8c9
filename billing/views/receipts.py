"""The organisation's payments and a printable receipt for each payment received."""

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.scoping import client_of, client_required, scoped_get_or_404
from billing.filters import PaymentFilter
from billing.models import Payment
from billing.views.listing import filter_data, paginate


@client_required
def payment_list(request: HttpRequest) -> HttpResponse:
    """List money received (and paid back) for the organisation's invoices, newest first."""
    filterset = PaymentFilter(
        filter_data(request, PaymentFilter),
        queryset=Payment.objects.for_client(client_of(request))
        .select_related("invoice")
        .order_by("-booked_on", "-id"),
        request=request,
    )
    valid = not filterset.is_bound or filterset.is_valid()
    page = paginate(request, filterset.qs if valid else Payment.objects.none())
    return render(
        request,
        "portal/payments/list.html",
        {"filter": filterset, "valid": valid, "page": page},
    )


@client_required
def receipt(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    """Show a printable receipt for one payment received."""
    payment = scoped_get_or_404(
        Payment.objects.select_related("invoice__issuer", "invoice__client", "attempt"),
        client_of(request),
        key=key,
        kind=Payment.Kind.RECEIVED,
    )
    return render(
        request,
        "portal/payments/receipt.html",
        {"payment": payment, "invoice": payment.invoice, "issuer": payment.invoice.issuer},
    )
