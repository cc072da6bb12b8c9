"""Delivering outbox events to endpoints: signed (Standard Webhooks), retried with backoff."""

import datetime
import json
import logging
import time

import requests
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from integrations.models import DeliveryAttempt, WebhookDelivery

logger = logging.getLogger(__name__)

# Waits after the 1st … 7th failed attempt; the 8th failure gives up (about 28 hours in all),
# the schedule Standard Webhooks recommends.
RETRY_DELAYS = (
    datetime.timedelta(seconds=5),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=5),
    datetime.timedelta(hours=10),
    datetime.timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# While one worker sends a delivery, no other picks it up (longer than the request timeout).
LEASE = datetime.timedelta(minutes=2)
TIMEOUT = (3.05, 10)
State = WebhookDelivery.State


def retry_delay(attempts: int) -> datetime.timedelta | None:
    """Return the wait after the n-th failed attempt, or None when there is no next attempt."""
    return RETRY_DELAYS[attempts - 1] if 1 <= attempts <= len(RETRY_DELAYS) else None


def signed_headers(
    *, secret: str, msg_id: str, body: str, now: datetime.datetime
) -> dict[str, str]:
    """Return the Standard Webhooks headers for one call."""
    signature = Webhook(secret).sign(msg_id=msg_id, timestamp=now, data=body)
    return {
        "Content-Type": "application/json",
        "User-Agent": "invoice-portal-webhooks/1",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }


def _claim(delivery_id: int, now: datetime.datetime) -> WebhookDelivery | None:
    with transaction.atomic():
        delivery = (
            # Lock the delivery alone: locking its endpoint too would make concurrent workers
            # skip every other delivery to that endpoint.
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event", "endpoint")
            .filter(pk=delivery_id, state=State.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return None
        delivery.next_attempt_at = now + LEASE
        delivery.save(update_fields=["next_attempt_at"])
    return delivery


def delivery_send(*, delivery_id: int, now: datetime.datetime | None = None) -> str:
    """Make one attempt at a due delivery; return its state afterwards (or "" if not due)."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return ""
    endpoint, event = delivery.endpoint, delivery.event
    body = json.dumps(event.payload, separators=(",", ":"), sort_keys=True)
    headers = signed_headers(secret=endpoint.secret, msg_id=event.webhook_id, body=body, now=now)
    status: int | None = None
    error = ""
    text = ""
    started = time.monotonic()
    if not endpoint.active:
        error = "The endpoint is switched off."
    else:
        try:
            response = requests.post(
                endpoint.url,
                data=body.encode(),
                headers=headers,
                timeout=TIMEOUT,
                allow_redirects=False,
            )
            status = response.status_code
            text = response.text[:500]
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except requests.RequestException as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
    elapsed_ms = int((time.monotonic() - started) * 1000)
    return _record(delivery, now, status=status, error=error, text=text, elapsed_ms=elapsed_ms)


@transaction.atomic
def _record(
    delivery: WebhookDelivery,
    now: datetime.datetime,
    *,
    status: int | None,
    error: str,
    text: str,
    elapsed_ms: int,
) -> str:
    DeliveryAttempt.objects.create(
        delivery=delivery,
        status_code=status,
        response_ms=elapsed_ms,
        error=error[:500],
        response_body=text.replace("\x00", "")[:500],
    )
    attempts = delivery.attempts + 1
    fields: dict[str, object] = {"attempts": F("attempts") + 1, "last_status": status}
    if not error:
        state = State.DELIVERED
        fields.update(state=state, delivered_at=timezone.now(), next_attempt_at=None, last_error="")
    else:
        wait = retry_delay(attempts)
        state = State.PENDING if wait is not None else State.FAILED
        fields.update(
            state=state,
            last_error=error[:2000],
            next_attempt_at=now + wait if wait is not None else None,
        )
        logger.info("Webhook delivery %s attempt %s failed: %s", delivery.pk, attempts, error)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    return str(state)


def deliveries_due(*, now: datetime.datetime | None = None, limit: int = 500) -> list[int]:
    """Return the ids of pending deliveries whose next attempt is due."""
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(state=State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
