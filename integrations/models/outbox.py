import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from .inbox import webhook_secret


class EventType(models.TextChoices):
    INVOICE_ISSUED = "invoice.issued", "invoice.issued"
    INVOICE_PAID = "invoice.paid", "invoice.paid"
    INVOICE_PARTIALLY_PAID = "invoice.partially_paid", "invoice.partially_paid"
    INVOICE_OVERDUE = "invoice.overdue", "invoice.overdue"
    PAYMENT_FAILED = "payment.failed", "payment.failed"
    PAYMENT_REFUNDED = "payment.refunded", "payment.refunded"
    CREDIT_NOTE_ISSUED = "credit_note.issued", "credit_note.issued"


class WebhookEndpoint(models.Model):
    """A receiver of an issuer's events, configured by staff."""

    issuer = models.ForeignKey(
        "billing.Issuer", on_delete=models.PROTECT, related_name="+", verbose_name=_("issuer")
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=webhook_secret,
        help_text=_("The receiver verifies each call with it (Standard Webhooks)."),
    )
    event_types = models.JSONField(
        _("event types"), default=list, help_text=_("Empty means every event.")
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["issuer", "url"]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class OutboxEvent(models.Model):
    """Something that happened, written in the transaction of the change; the events feed."""

    Type = EventType

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey("billing.Issuer", on_delete=models.PROTECT, related_name="+")
    type = models.CharField(_("type"), max_length=40, choices=EventType.choices)
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-id"]
        indexes = [models.Index(fields=["issuer", "id"], name="outboxevent_issuer_idx")]

    def __str__(self) -> str:
        return f"{self.type} #{self.pk}"

    @property
    def webhook_id(self) -> str:
        return f"evt_{self.uid.hex}"


class WebhookDelivery(models.Model):
    """One event on its way to one endpoint, retried with backoff until it arrives."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="delivery_unique"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state="pending"),
                name="delivery_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"


class DeliveryAttempt(models.Model):
    """One HTTP call to an endpoint: what it answered and how long it took."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    attempted_at = models.DateTimeField(_("attempted at"), auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    response_ms = models.PositiveIntegerField(_("response time (ms)"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    response_body = models.CharField(_("response (start)"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.status_code or self.error}"
