"""Paying an invoice from the portal: the pay page, and sending the payer to Mollie's checkout."""

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.scoping import client_of, client_required, client_scope_exempt, scoped_get_or_404
from billing.exceptions import BillingError
from billing.forms import PaymentForm, partial_payment_possible
from billing.models import Invoice
from billing.payments.checkout import payment_start_checkout
from billing.payments.selectors import attempt_notices

# Session key: payment-link tokens of the checkouts this browser started, by attempt key, so
# the page after checkout can lead back to the pay page (and not to a link rotated since).
LINK_RETURNS_KEY = "pay_link_returns"
LINK_RETURNS_KEPT = 5


def is_payable(invoice: Invoice) -> bool:
    """Say whether the invoice has something left to pay online."""
    return invoice.is_outstanding and invoice.balance > 0


def payment_context(invoice: Invoice) -> dict[str, Any]:
    """Return what the pay form and its notices show about earlier attempts."""
    last_failed, in_progress = attempt_notices(invoice)
    return {
        "payable": is_payable(invoice),
        "partial_possible": partial_payment_possible(invoice),
        "last_failed": last_failed,
        "in_progress": in_progress,
    }


def checkout_redirect(
    request: HttpRequest, form: PaymentForm, *, link_token: str = ""
) -> HttpResponse | None:
    """Start Mollie's checkout for a valid form and send the payer there.

    Returns None when the form has errors to show, including the provider's refusal in
    plain words (nothing was charged then).
    """
    if not form.is_valid():
        return None
    try:
        attempt = payment_start_checkout(
            invoice=form.invoice,
            amount=form.cleaned_data["amount"],
            by=request.user,
            link_token=link_token,
        )
    except BillingError as exc:
        form.add_billing_error(exc)
        return None
    if link_token:
        returns = dict(request.session.get(LINK_RETURNS_KEY, {}))
        returns[str(attempt.key)] = link_token
        request.session[LINK_RETURNS_KEY] = dict(list(returns.items())[-LINK_RETURNS_KEPT:])
    return redirect(attempt.checkout_url)


# Locks the invoice and calls Mollie: outside the database client scope; the client is
# checked here in the application (scoped lookup, role).
@client_scope_exempt
@client_required
@require_http_methods(["GET", "POST"])
def invoice_pay(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    """Let an owner or finance member pay the balance, or a permitted part, through Mollie."""
    client = client_of(request)
    invoice = scoped_get_or_404(Invoice.objects.select_related("issuer", "client"), client, key=key)
    membership = getattr(request, "membership", None)
    if membership is None or not membership.can_pay:
        return render(request, "portal/payments/not_allowed.html", {"invoice": invoice}, status=403)
    form = PaymentForm(request.POST if request.method == "POST" else None, invoice=invoice)
    if request.method == "POST":
        response = checkout_redirect(request, form)
        if response is not None:
            return response
    context = {"invoice": invoice, "form": form, **payment_context(invoice)}
    status = 200 if request.method == "GET" or context["payable"] else 409
    return render(request, "portal/invoices/pay.html", context, status=status)
