"""The outbox: events written in the transaction of the change, delivered later by the worker."""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from billing.models import Issuer
from integrations.models import OutboxEvent, WebhookDelivery, WebhookEndpoint
from portal.tasks import enqueue


def event_record(*, issuer: Issuer | int, type: str, data: dict[str, Any]) -> OutboxEvent:
    """Write one event and a delivery per endpoint that wants it; send them after commit."""
    issuer_id = issuer if isinstance(issuer, int) else issuer.pk
    with transaction.atomic():
        event = OutboxEvent.objects.create(issuer_id=issuer_id, type=type, payload={})
        event.payload = {
            "type": type,
            "timestamp": event.created_at.isoformat(),
            "event_id": event.webhook_id,
            "data": data,
        }
        event.save(update_fields=["payload"])
        now = timezone.now()
        endpoints = [
            endpoint
            for endpoint in WebhookEndpoint.objects.filter(issuer_id=issuer_id, active=True)
            if endpoint.wants(type)
        ]
        deliveries = WebhookDelivery.objects.bulk_create(
            WebhookDelivery(event=event, endpoint=endpoint, next_attempt_at=now)
            for endpoint in endpoints
        )
        for delivery in deliveries:
            enqueue("integrations.tasks.delivery_send", delivery.pk, group="webhooks")
    return event


@transaction.atomic
def delivery_resend(*, delivery: WebhookDelivery, now: datetime.datetime | None = None) -> None:
    """Send a delivery again now (from the admin), whatever happened to it before."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=WebhookDelivery.State.PENDING, next_attempt_at=now or timezone.now()
    )
    enqueue("integrations.tasks.delivery_send", delivery.pk, group="webhooks")
