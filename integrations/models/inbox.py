import base64
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from .api_key import source_name


def webhook_secret() -> str:
    """Return a new Standard Webhooks secret (`whsec_` + 24 random bytes, base64)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class InboundSource(models.Model):
    """An outside system that pushes to `/api/v1/inbound/<slug>/`, with its secret and mapping."""

    class Mapping(models.TextChoices):
        PORTAL = "portal", _("Portal shape (the API's own fields)")
        FLAT = "flat", _("Flat ERP export (customer, invoice_id, lines with text/qty/price/vat)")

    issuer = models.ForeignKey(
        "billing.Issuer", on_delete=models.PROTECT, related_name="+", verbose_name=_("issuer")
    )
    slug = models.CharField(
        _("source"),
        max_length=50,
        unique=True,
        validators=[source_name],
        help_text=_("Part of the address the system posts to; external ids are unique per source."),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=webhook_secret,
        help_text=_("Give this to the system; it signs each call with it (Standard Webhooks)."),
    )
    mapping = models.CharField(
        _("mapping"), max_length=20, choices=Mapping.choices, default=Mapping.PORTAL
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inbound source")
        verbose_name_plural = _("inbound sources")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class InboxMessage(models.Model):
    """One call an outside system made, stored raw before it is checked or applied."""

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        REJECTED = "rejected", _("Rejected (signature)")
        DUPLICATE = "duplicate", _("Duplicate")
        PENDING = "pending", _("Pending")
        PROCESSED = "processed", _("Processed")
        DEAD = "dead", _("Failed (dead letter)")

    source = models.ForeignKey(
        InboundSource, on_delete=models.PROTECT, null=True, blank=True, related_name="messages"
    )
    source_slug = models.CharField(_("source"), max_length=100)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    headers = models.JSONField(_("headers"), default=dict)
    body = models.TextField(_("body"), blank=True)
    remote_addr = models.GenericIPAddressField(_("remote address"), null=True, blank=True)
    message_id = models.CharField(_("webhook id"), max_length=255, blank=True)
    verified = models.BooleanField(_("signature valid"), default=False)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.RECEIVED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("inbox message")
        verbose_name_plural = _("inbox messages")
        ordering = ["-id"]
        constraints = [
            # A replayed message (same webhook-id from the same source) is applied once.
            models.UniqueConstraint(
                fields=["source", "message_id"],
                condition=models.Q(verified=True),
                name="inbox_unique_verified_message",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state="pending"),
                name="inbox_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_slug} {self.message_id or '?'} ({self.get_state_display()})"


class DeadLetter(InboxMessage):
    """Inbox messages that kept failing: the admin's dead-letter view."""

    class Meta:
        proxy = True
        verbose_name = _("dead letter")
        verbose_name_plural = _("dead letters")
