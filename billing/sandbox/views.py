"""The sandbox's pages: Mollie's API, a checkout page and a small dashboard (demo only)."""

import contextlib
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from billing.payments.simulator import METHODS, OUTCOMES

from .state import sandbox_mollie

METHOD_LABELS = {
    "ideal": "iDEAL",
    "creditcard": "Card",
    "bancontact": "Bancontact",
    "banktransfer": "Bank transfer",
}


def _enabled() -> None:
    if not settings.MOLLIE_SANDBOX:
        raise Http404("The Mollie sandbox is off.")


@csrf_exempt
@login_not_required
def api(request: HttpRequest, path: str) -> HttpResponse:
    """Answer Mollie's v2 API for payments, refunds and chargebacks."""
    _enabled()
    status, headers, body = sandbox_mollie().handle(
        request.method or "GET",
        f"/{path}",
        request.META.get("QUERY_STRING", ""),
        dict(request.headers),
        request.body,
    )
    response = HttpResponse(body, status=status, content_type=headers.pop("Content-Type"))
    for name, value in headers.items():
        response[name] = value
    return response


@login_not_required
def checkout(request: HttpRequest, payment_id: str) -> HttpResponse:
    """Play the customer: choose how the payment ends, then go back to the portal."""
    _enabled()
    mollie = sandbox_mollie()
    with mollie.lock:
        payment = mollie.payments.get(payment_id)
        payment = dict(payment) if payment else None
    if payment is None:
        raise Http404("No such sandbox payment.")
    if request.method == "POST":
        outcome = request.POST.get("outcome", "")
        method = request.POST.get("method") or None
        if outcome not in OUTCOMES or (method is not None and method not in METHODS):
            return HttpResponse(_("Choose one of the offered outcomes."), status=400)
        with contextlib.suppress(ValueError):  # already decided (e.g. in a second tab)
            mollie.checkout(payment_id, outcome, method)
        return HttpResponseRedirect(payment["redirectUrl"])
    context = {
        "payment": payment,
        "amount": Decimal(payment["amount"]["value"]),
        "methods": [(code, METHOD_LABELS[code]) for code in METHODS],
        "is_open": payment["status"] == "open",
        "is_pending_transfer": payment["status"] == "pending",
    }
    return render(request, "sandbox/checkout.html", context)


@staff_member_required
def dashboard(request: HttpRequest, payment_id: str = "") -> HttpResponse:
    """Play Mollie's dashboard and the banks: complete transfers, charge back, settle refunds."""
    _enabled()
    mollie = sandbox_mollie()
    if request.method == "POST":
        target = request.POST.get("payment", "")
        action = request.POST.get("action", "")
        try:
            if action == "complete_transfer":
                mollie.checkout(target, "paid", "banktransfer")
            elif action == "expire":
                mollie.checkout(target, "expired")
            elif action == "chargeback":
                mollie.chargeback(target)
            else:
                raise ValueError(action)
        except (KeyError, ValueError):
            messages.error(request, _("That action is not possible for this payment."))
        else:
            messages.success(request, _("Done; the portal's webhook is being called."))
        return HttpResponseRedirect(reverse("sandbox_mollie_dashboard"))
    payments = sorted(mollie.payments_list(), key=lambda p: p["createdAt"], reverse=True)
    return render(
        request, "sandbox/dashboard.html", {"payments": payments[:100], "focus": payment_id}
    )
