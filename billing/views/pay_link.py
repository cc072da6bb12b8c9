"""The payment-link page: one invoice's summary and pay form, for anyone holding its link."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.audit import audit_record
from accounts.scoping import client_scope_exempt
from billing.forms import PaymentForm
from billing.models import Invoice
from billing.payments.payment_links import invoice_for_payment_token
from billing.views.pay import checkout_redirect, payment_context
from billing.views.pdf import pdf_download_response
from billing.views.ratelimits import too_many_for_link, too_many_from_ip

logger = logging.getLogger(__name__)


def link_not_valid(request: HttpRequest) -> HttpResponse:
    """Answer a token that opens nothing, the same way whatever the token was."""
    return render(request, "pay/invalid.html", status=404)


def _link_invoice(request: HttpRequest, token: str) -> Invoice | HttpResponse:
    """Return the invoice a payment link opens, or the answer for a refused or unknown link.

    Every URL of a link counts in the same rate limits: a guessed token costs the same anywhere.
    """
    limited = too_many_from_ip(request, group="pay-link")
    if limited is not None:
        return limited
    invoice = invoice_for_payment_token(token)
    if invoice is None:
        logger.info("Payment link not valid, from %s", request.META.get("REMOTE_ADDR"))
        return link_not_valid(request)
    return too_many_for_link(request, group="pay-link", token=token) or invoice


# No password: the link is the credential. Outside the client scope: the visitor may belong to
# no client (or another one), and paying locks the invoice and calls Mollie.
@client_scope_exempt
@login_not_required
@require_http_methods(["GET", "POST"])
def pay_link(request: HttpRequest, token: str) -> HttpResponse:
    """Show the invoice the link opens and let its holder pay the balance or a permitted part."""
    invoice = _link_invoice(request, token)
    if isinstance(invoice, HttpResponse):
        return invoice
    audit_record(
        action="invoice.link_opened",
        by=request.user,
        client=invoice.client,
        target=invoice,
        data={"method": request.method},
    )
    context = payment_context(invoice)
    form = None
    if context["payable"]:
        form = PaymentForm(request.POST if request.method == "POST" else None, invoice=invoice)
        if request.method == "POST":
            response = checkout_redirect(request, form, link_token=token)
            if response is not None:
                return response
    status = 409 if request.method == "POST" and not context["payable"] else 200
    return render(
        request,
        "pay/invoice.html",
        {
            "invoice": invoice,
            "form": form,
            "token": token,
            "today": invoice.issuer.today(),
            "branding_issuer": invoice.issuer,
            **context,
        },
        status=status,
    )


# Public like the page it is linked from, and counted in the same rate limits (a guessed token
# costs the same here as there). Outside the client scope: a first download renders and stores.
@client_scope_exempt
@login_not_required
@require_GET
def pay_link_pdf(request: HttpRequest, token: str) -> HttpResponse:
    """Send the stored PDF of the invoice the link opens, while the link is valid."""
    invoice = _link_invoice(request, token)
    if isinstance(invoice, HttpResponse):
        return invoice
    return pdf_download_response(
        request,
        invoice,
        by=request.user,
        back_url=reverse("pay:invoice", args=[token]),
        via_link=True,
    )
