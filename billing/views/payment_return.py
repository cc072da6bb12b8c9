"""The page Mollie sends the payer back to: how the checkout went, in plain words."""

import uuid
from typing import cast

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.scoping import SESSION_CLIENT_KEY, PortalRequest, client_scope_exempt
from billing.models import Invoice, Payment, PaymentAttempt
from billing.payments.selectors import attempt_outcome, attempt_refresh
from billing.views.pay import LINK_RETURNS_KEY, is_payable
from billing.views.ratelimits import too_many_from_ip

# While the outcome is not known yet the page reloads itself (a Refresh header: no script).
REFRESH_SECONDS = 5


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "pay/return_not_found.html", status=404)


def _look_at_client_of(request: PortalRequest, attempt: PaymentAttempt) -> bool:
    """Make the attempt's client the one the member looks at; False if not a member of it."""
    for membership in request.memberships:
        if membership.client_id == attempt.client_id:
            request.session[SESSION_CLIENT_KEY] = membership.client_id
            request.client, request.membership = membership.client, membership
            return True
    return False


def _link_token(request: HttpRequest, attempt: PaymentAttempt, invoice: Invoice) -> str:
    """Return the payment link this browser paid through, if it still opens the invoice."""
    token = request.session.get(LINK_RETURNS_KEY, {}).get(str(attempt.key), "")
    return token if token and token == invoice.payment_token else ""


# Asks Mollie when the webhook has not come yet: outside the database client scope. Who may
# see the attempt is checked here: its unguessable key and, for a payment started in the
# portal, membership of its client.
@client_scope_exempt
@login_not_required
@require_GET
def payment_return(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    """Show the outcome of one checkout, asking Mollie itself if the webhook is late."""
    limited = too_many_from_ip(request, group="pay-return")
    if limited is not None:
        return limited
    attempt = PaymentAttempt.objects.filter(key=key).first()
    if attempt is None:
        return _not_found(request)
    portal_request = cast(PortalRequest, request)
    member = request.user.is_authenticated and _look_at_client_of(portal_request, attempt)
    if not attempt.via_payment_link and not member:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return _not_found(request)
    if attempt.is_in_progress:
        attempt = attempt_refresh(attempt)
    outcome = attempt_outcome(attempt)
    invoice = Invoice.objects.select_related("issuer", "client").get(pk=attempt.invoice_id)
    receipt = (
        attempt.ledger_rows.filter(kind=Payment.Kind.RECEIVED).first()
        if member and outcome.code == "paid"
        else None
    )
    response = render(
        request,
        "pay/return.html",
        {
            "attempt": attempt,
            "outcome": outcome,
            "invoice": invoice,
            "member": member,
            "can_pay": member and portal_request.membership and portal_request.membership.can_pay,
            "link_token": _link_token(request, attempt, invoice),
            "payable": is_payable(invoice),
            "receipt": receipt,
            "branding_issuer": invoice.issuer,
            "refreshing": outcome.code == "processing",
        },
    )
    if outcome.code == "processing":
        response["Refresh"] = str(REFRESH_SECONDS)
    return response
