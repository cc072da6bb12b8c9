"""Worker tasks for online payment (django-q2); each is safe to run twice."""

import logging

from django.utils import timezone

from billing.models import PaymentAttempt
from portal.tasks import enqueue

from .inbox import attempts_stale, webhooks_due
from .inbox import webhook_process as _webhook_process
from .mollie import MollieError
from .receipts import receipt_message
from .sync import payment_sync_from_mollie

logger = logging.getLogger(__name__)


def webhook_process(webhook_id: int) -> str:
    """Process one stored webhook call; failures leave it pending for the sweep."""
    return _webhook_process(webhook_id=webhook_id)


def webhooks_retry_pending() -> int:
    """Hand pending webhook calls whose next attempt is due to the worker again (scheduled).

    Also asks Mollie about checkouts that stayed in progress for an hour without news, in case
    Mollie gave up calling us (it stops after about a day).
    """
    now = timezone.now()
    claimed = webhooks_due(now=now)
    for pk in claimed:
        enqueue("billing.payments.tasks.webhook_process", pk)
    for attempt_id in attempts_stale(now=now):
        enqueue("billing.payments.tasks.attempt_sync", attempt_id)
    return len(claimed)


def attempt_sync(attempt_id: int) -> str:
    """Bring one attempt up to date with Mollie; a failure waits for the next sweep."""
    attempt = PaymentAttempt.objects.filter(pk=attempt_id).exclude(mollie_id=None).first()
    if attempt is None:
        return ""
    try:
        synced = payment_sync_from_mollie(mollie_id=str(attempt.mollie_id))
    except MollieError as exc:
        logger.warning("Could not sync %s with Mollie: %s", attempt.mollie_id, exc)
        return attempt.status
    return synced.status if synced else attempt.status


def payment_receipt_send(attempt_id: int) -> bool:
    """Email the receipt of a paid attempt once; return whether an email went out."""
    now = timezone.now()
    # Claim first, so that a task delivered twice sends one email.
    if not PaymentAttempt.objects.filter(pk=attempt_id, receipt_sent_at__isnull=True).update(
        receipt_sent_at=now
    ):
        return False
    attempt = PaymentAttempt.objects.select_related(
        "invoice", "invoice__client", "invoice__issuer"
    ).get(pk=attempt_id)
    message = receipt_message(attempt)
    if message is None:
        logger.info("No billing address for client %s: no receipt sent.", attempt.client_id)
        return False
    try:
        message.send()
    except Exception:
        # Give the claim back so the task's retry sends it.
        PaymentAttempt.objects.filter(pk=attempt_id).update(receipt_sent_at=None)
        raise
    return True
