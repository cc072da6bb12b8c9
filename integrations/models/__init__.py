from .api_key import ApiKey
from .external import ExternalClient
from .idempotency import IdempotencyRecord
from .inbox import DeadLetter, InboundSource, InboxMessage
from .outbox import DeliveryAttempt, OutboxEvent, WebhookDelivery, WebhookEndpoint

__all__ = [
    "ApiKey",
    "DeadLetter",
    "DeliveryAttempt",
    "ExternalClient",
    "IdempotencyRecord",
    "InboundSource",
    "InboxMessage",
    "OutboxEvent",
    "WebhookDelivery",
    "WebhookEndpoint",
]
