"""Pauses of an invoice's reminders: a dispute, a promise to pay, or "I've paid"."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PauseReason(models.TextChoices):
    DISPUTED = "disputed", _("Disputed")
    PROMISED = "promised", _("Promise to pay")
    CLIENT_PAID = "client_paid", _("Client says it has paid")
    STAFF = "staff", _("Paused by staff")


class ReminderPause(models.Model):
    """While a pause is active (not resumed, `until` not passed) the invoice gets no reminders."""

    Reason = PauseReason

    invoice = models.ForeignKey(
        "billing.Invoice", on_delete=models.CASCADE, related_name="reminder_pauses"
    )
    client = models.ForeignKey("accounts.Client", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=12, choices=PauseReason.choices)
    until = models.DateField(
        _("until"),
        null=True,
        blank=True,
        help_text=_("Reminders resume after this day; empty: until someone resumes them."),
    )
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    by_client = models.BooleanField(_("asked by the client"), default=False)
    created_at = models.DateTimeField(_("paused at"), auto_now_add=True)
    resumed_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    resumed_by = models.CharField(_("resumed by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("reminder pause")
        verbose_name_plural = _("reminder pauses")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["invoice"],
                name="reminderpause_active_idx",
                condition=models.Q(resumed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} · {self.get_reason_display()}"
