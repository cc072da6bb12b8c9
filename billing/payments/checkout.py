"""Starting an online payment: validate, record the attempt, create it at Mollie."""

import datetime
import logging
import secrets
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.audit import Actor, audit_record, user_of
from accounts.models import Membership
from billing.exceptions import BillingError, CheckoutUnavailable, PaymentNotAllowed
from billing.links import mollie_webhook_url, payment_return_url
from billing.models import Invoice, PaymentAttempt
from billing.money import format_money, quantize
from billing.services.ledger import invoice_lock

from .mollie import (
    MollieError,
    MollieNotConfigured,
    MolliePayment,
    MollieRefused,
    MollieUnavailable,
    mollie_payment_create,
    to_mollie_amount,
)

logger = logging.getLogger(__name__)

MOLLIE_LOCALES = {"nl": "nl_NL", "en": "en_US"}

# A checkout started this recently for the same amount is sent again instead of a new one:
# a double click, the back button or a second tab then cannot lead to paying twice.
# (Mollie keeps an iDEAL or card checkout open for about 15 minutes.)
CHECKOUT_REUSE = datetime.timedelta(minutes=10)


def payment_allowed(*, invoice: Invoice, by: Actor, link_token: str = "") -> bool:
    """Return whether `by` may pay the invoice: owner, finance, staff, or holder of its link."""
    if link_token:
        return secrets.compare_digest(link_token, invoice.payment_token)
    if isinstance(by, str):
        return True  # a system acting on the business's behalf
    user = user_of(by)
    if user is None:
        return False
    if user.is_staff:
        return True
    membership = Membership.objects.filter(user=user, client_id=invoice.client_id).first()
    return membership is not None and membership.can_pay


def payment_amount_check(*, invoice: Invoice, amount: Decimal) -> Decimal:
    """Return the amount if the invoice may be paid with it now, or raise BillingError."""
    if not invoice.is_outstanding:
        raise BillingError(
            _("Invoice %(number)s is %(status)s; there is nothing to pay.")
            % {"number": invoice.number, "status": invoice.get_status_display().lower()}
        )
    balance = invoice.balance
    if amount <= 0 or quantize(amount, invoice.currency) != amount:
        raise BillingError({"amount": _("Enter a positive amount with at most two decimals.")})
    if amount > balance:
        raise BillingError(
            {
                "amount": _("At most the balance of %(balance)s can be paid.")
                % {"balance": format_money(balance, invoice.currency)}
            }
        )
    if amount < balance:
        issuer = invoice.issuer
        if not issuer.allow_partial_payments:
            raise BillingError(
                {
                    "amount": _("This invoice can only be paid in full (%(balance)s).")
                    % {"balance": format_money(balance, invoice.currency)}
                }
            )
        if amount < issuer.minimum_partial_payment:
            raise BillingError(
                {
                    "amount": _("Pay at least %(minimum)s, or the full balance of %(balance)s.")
                    % {
                        "minimum": format_money(issuer.minimum_partial_payment, invoice.currency),
                        "balance": format_money(balance, invoice.currency),
                    }
                }
            )
    return amount


@transaction.atomic
def _attempt_create(
    *, invoice: Invoice, amount: Decimal, by: Actor, link_token: str, method: str | None
) -> PaymentAttempt:
    invoice = invoice_lock(invoice)
    if not payment_allowed(invoice=invoice, by=by, link_token=link_token):
        raise PaymentNotAllowed(
            _(
                "You can see this invoice but not pay it. Ask an owner or a finance member "
                "of your organisation."
            )
        )
    amount = payment_amount_check(invoice=invoice, amount=amount)
    recent = (
        invoice.payment_attempts.filter(
            status=PaymentAttempt.Status.OPEN,
            amount=amount,
            created_at__gte=timezone.now() - CHECKOUT_REUSE,
        )
        .exclude(checkout_url="")
        .first()
    )
    if recent is not None and method in (None, recent.method):
        return recent
    attempt = PaymentAttempt.objects.create(
        invoice=invoice,
        client=invoice.client,
        amount=amount,
        currency=invoice.currency,
        started_by=user_of(by),
        via_payment_link=bool(link_token),
    )
    audit_record(
        action="payment.checkout_started",
        by=by,
        client=invoice.client,
        target=invoice,
        data={"attempt": attempt.pk, "amount": str(amount), "via_link": bool(link_token)},
    )
    return attempt


def _mollie_payload(
    attempt: PaymentAttempt, invoice: Invoice, method: str | None
) -> dict[str, Any]:
    language = invoice.client.language
    with translation.override(language):
        description = _("Invoice %(number)s") % {"number": invoice.number}
    payload: dict[str, Any] = {
        "amount": to_mollie_amount(attempt.amount, attempt.currency),
        "description": f"{description} ({invoice.issuer.name})"[:255],
        "redirectUrl": payment_return_url(attempt),
        "webhookUrl": mollie_webhook_url(),
        "locale": MOLLIE_LOCALES.get(language, "en_US"),
        "metadata": {
            "invoice": invoice.number,
            "invoice_id": invoice.pk,
            "client_id": invoice.client_id,
            "attempt_id": attempt.pk,
        },
    }
    if method:
        payload["method"] = method
    return payload


@transaction.atomic
def _attempt_opened(
    *, attempt: PaymentAttempt, created: MolliePayment, by: Actor
) -> PaymentAttempt:
    attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt.pk)
    attempt.mollie_id = created.id
    attempt.checkout_url = created.checkout_url
    attempt.mode = created.mode
    attempt.method = created.method
    attempt.synced_at = timezone.now()
    attempt.save()
    audit_record(
        action="payment.checkout_created",
        by=by,
        client=attempt.client,
        target=attempt.invoice,
        data={"attempt": attempt.pk, "mollie_id": created.id},
    )
    return attempt


@transaction.atomic
def _attempt_failed(
    *, attempt: PaymentAttempt, code: str, detail: str, by: Actor
) -> PaymentAttempt:
    attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt.pk)
    attempt.status = PaymentAttempt.Status.FAILED
    attempt.failure_code = code
    attempt.failure_detail = detail[:500]
    attempt.save()
    audit_record(
        action="payment.checkout_failed",
        by=by,
        client=attempt.client,
        target=attempt.invoice,
        data={"attempt": attempt.pk, "failure": code, "detail": detail[:500]},
    )
    return attempt


def payment_start_checkout(
    *,
    invoice: Invoice,
    amount: Decimal,
    by: Actor,
    link_token: str = "",
    method: str | None = None,
) -> PaymentAttempt:
    """Start an online payment of `amount` and return the attempt with Mollie's checkout URL.

    Not one transaction: the attempt is stored first, Mollie is called with no transaction
    open, then Mollie's id is stored. If Mollie cannot start the payment the attempt is marked
    failed and CheckoutUnavailable says so in plain words.
    """
    attempt = _attempt_create(
        invoice=invoice, amount=amount, by=by, link_token=link_token, method=method
    )
    if attempt.checkout_url:
        return attempt  # still open at Mollie: the same checkout again
    payload = _mollie_payload(attempt, attempt.invoice, method)
    code, detail = "", ""
    try:
        created = mollie_payment_create(payload, idempotency_key=str(attempt.idempotency_key))
    except MollieNotConfigured as exc:
        code, detail = "provider_unavailable", str(exc)
    except MollieUnavailable as exc:
        code, detail = "provider_unreachable", str(exc)
    except MollieRefused as exc:
        code, detail = "provider_refused", f"{exc} ({exc.field})" if exc.field else str(exc)
    except MollieError as exc:
        code, detail = "provider_refused", str(exc)
    else:
        if not created.checkout_url:
            code, detail = "provider_refused", f"Mollie gave no checkout for {created.id}."
    if code:
        logger.warning("Checkout for invoice %s failed: %s", attempt.invoice_id, detail)
        attempt = _attempt_failed(attempt=attempt, code=code, detail=detail, by=by)
        raise CheckoutUnavailable(attempt.failure_message)
    return _attempt_opened(attempt=attempt, created=created, by=by)
