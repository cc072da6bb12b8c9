import uuid

from django.db.models import Case, OuterRef, Prefetch, Subquery, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.audit import audit_record
from accounts.scoping import client_of, client_required, scoped_get_or_404
from billing.filters import InvoiceFilter
from billing.links import invoice_payment_url
from billing.models import CreditNote, Invoice, Payment, PaymentAttempt
from billing.models.invoice import OUTSTANDING
from billing.views.listing import filter_data, paginate
from billing.views.pay import payment_context

# Longer than any number the issuer can produce (prefix 10 + year + sequence).
MAX_NUMBER_LENGTH = 32


@client_required
def invoice_list(request: HttpRequest) -> HttpResponse:
    """List the organisation's invoices, filtered, sorted and paginated."""
    client = client_of(request)
    today = client.issuer.today()
    filterset = InvoiceFilter(
        filter_data(request, InvoiceFilter),
        queryset=Invoice.objects.for_client(client).annotate(
            # Only an outstanding invoice shows a failed attempt: don't look up the others'.
            last_attempt_status=Case(
                When(
                    status__in=OUTSTANDING,
                    then=Subquery(
                        PaymentAttempt.objects.filter(invoice=OuterRef("pk"))
                        .order_by("-created_at", "-id")
                        .values("status")[:1]
                    ),
                ),
                default=None,
            )
        ),
        request=request,
        today=today,
    )
    valid = not filterset.is_bound or filterset.is_valid()
    page = paginate(request, filterset.qs if valid else Invoice.objects.none())
    return render(
        request,
        "portal/invoices/list.html",
        {"filter": filterset, "valid": valid, "page": page, "today": today},
    )


@client_required
def invoice_detail(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    """Show one invoice with its lines, VAT, payments, credit notes and balance."""
    client = client_of(request)
    invoice = scoped_get_or_404(
        Invoice.objects.select_related("issuer", "client").prefetch_related(
            "lines",
            Prefetch("payments", queryset=Payment.objects.order_by("booked_on", "id")),
            Prefetch("credit_notes", queryset=CreditNote.objects.order_by("issue_date", "id")),
        ),
        client,
        key=key,
    )
    audit_record(action="invoice.viewed", by=request.user, client=client, target=invoice)
    today = client.issuer.today()
    membership = getattr(request, "membership", None)
    can_pay = membership is not None and membership.can_pay
    payment = payment_context(invoice)
    return render(
        request,
        "portal/invoices/detail.html",
        {
            "invoice": invoice,
            "can_pay": can_pay,
            "payment_link": invoice_payment_url(invoice) if can_pay and payment["payable"] else "",
            **payment,
            "today": today,
            "days_overdue": invoice.days_overdue(today),
            "owed_back": -invoice.balance if invoice.balance < 0 else None,
            "vat_breakdown": invoice.vat_breakdown(),
        },
    )


@client_required
def invoice_by_number(request: HttpRequest, number: str) -> HttpResponse:
    """Send an invoice number (as printed on paper) to that invoice's page, within the client."""
    if len(number) > MAX_NUMBER_LENGTH or "\x00" in number:
        raise Http404
    invoice = scoped_get_or_404(Invoice.objects, client_of(request), number=number)
    return redirect("portal:invoice_detail", key=invoice.key)
