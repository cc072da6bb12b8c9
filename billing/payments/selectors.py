"""Reading online-payment state for pages: the last attempt, the outcome in plain words."""

import logging
from dataclasses import dataclass

from django.db import connection
from django.utils.translation import gettext as _

from billing.models import Invoice, PaymentAttempt

from .mollie import MollieError
from .sync import payment_sync_from_mollie

logger = logging.getLogger(__name__)

A = PaymentAttempt.Status


@dataclass(frozen=True)
class Outcome:
    """How a checkout ended, for the return page: a code for styling and a sentence."""

    code: str  # paid, pending_transfer, processing, failed, canceled, expired
    message: str


def attempt_notices(invoice: Invoice) -> tuple[PaymentAttempt | None, PaymentAttempt | None]:
    """Return (the latest attempt if it failed, the newest one still running) in one query.

    A settled invoice shows neither, so it costs no query at all.
    """
    if not invoice.is_outstanding:
        return None, None
    newest = ("-created_at", "-id")
    latest = invoice.payment_attempts.order_by(*newest)[:1]
    running = invoice.payment_attempts.in_progress().exclude(mollie_id=None).order_by(*newest)[:1]
    if connection.features.supports_slicing_ordering_in_compound:
        rows = list(latest.union(running, all=True))
    else:  # SQLite (the demo) cannot limit inside a UNION: two queries there
        rows = [*latest, *running]
    found = sorted(rows, key=lambda a: (a.created_at, a.id))
    if not found:
        return None, None
    last = found[-1]
    in_progress = next(
        (a for a in reversed(found) if a.is_in_progress and a.mollie_id is not None), None
    )
    return (last if last.is_unsuccessful else None), in_progress


def attempt_refresh(attempt: PaymentAttempt) -> PaymentAttempt:
    """Ask Mollie about an attempt still in progress (the webhook may not have come yet)."""
    if not attempt.is_in_progress or not attempt.mollie_id:
        return attempt
    try:
        return payment_sync_from_mollie(mollie_id=attempt.mollie_id) or attempt
    except MollieError as exc:
        logger.info("Could not refresh %s from Mollie: %s", attempt.mollie_id, exc)
        return attempt


def attempt_outcome(attempt: PaymentAttempt) -> Outcome:
    """Say in plain words how the checkout went."""
    if attempt.status == A.PAID:
        return Outcome("paid", _("Thank you: your payment was received."))
    if attempt.status in (A.OPEN, A.PENDING) and attempt.method == "banktransfer":
        return Outcome(
            "pending_transfer",
            _(
                "Your bank transfer has been started. The invoice shows as paid once the "
                "money has arrived, usually within one or two working days."
            ),
        )
    if attempt.is_in_progress:
        return Outcome(
            "processing",
            _("Your payment is being processed. This page shows the result once it is known."),
        )
    if attempt.status == A.FAILED:
        return Outcome("failed", attempt.failure_message)
    if attempt.status == A.CANCELED:
        return Outcome("canceled", attempt.failure_message)
    return Outcome("expired", attempt.failure_message)
