from django.db import models
from django.utils.translation import gettext_lazy as _


class InboundWebhook(models.Model):
    """One call a partner made to us, stored raw before anything else so nothing is lost.

    A pending row is worked on by the worker until it succeeds; a scheduled sweep hands rows
    whose task went missing out again, and staff can replay any row from the admin.
    """

    class Source(models.TextChoices):
        MOLLIE = "mollie", "Mollie"

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored")

    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    body = models.TextField(_("body"), blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    remote_addr = models.GenericIPAddressField(_("remote address"), null=True, blank=True)
    object_id = models.CharField(
        _("object id"), max_length=64, blank=True, help_text=_("The id the call was about.")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbound webhook")
        verbose_name_plural = _("inbound webhooks")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state="pending"),
                name="inboundwebhook_pending_idx",
            ),
            models.Index(fields=["source", "object_id"], name="inboundwebhook_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.object_id or '?'} ({self.get_state_display()})"
