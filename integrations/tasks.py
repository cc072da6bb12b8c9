"""Worker tasks for integrations (django-q2); each is safe to run twice."""

from django.utils import timezone

from portal.tasks import enqueue

from .services import delivery, idempotency, inbox


def delivery_send(delivery_id: int) -> str:
    """Make one attempt at delivering an event to an endpoint."""
    return delivery.delivery_send(delivery_id=delivery_id)


def deliveries_retry_due() -> int:
    """Hand deliveries whose next attempt is due to the worker (scheduled every minute)."""
    due = delivery.deliveries_due(now=timezone.now())
    for pk in due:
        enqueue("integrations.tasks.delivery_send", pk, group="webhooks")
    return len(due)


def inbox_process(message_id: int) -> str:
    """Normalize and apply one inbound message; a failure waits for its next attempt."""
    return inbox.inbox_process(message_id=message_id)


def inbox_retry_due() -> int:
    """Hand inbox messages whose next attempt is due to the worker (scheduled every minute)."""
    due = inbox.inbox_due(now=timezone.now())
    for pk in due:
        enqueue("integrations.tasks.inbox_process", pk)
    return len(due)


def idempotency_purge() -> int:
    """Forget idempotency keys older than the retention (scheduled daily)."""
    return idempotency.idempotency_purge(now=timezone.now())
