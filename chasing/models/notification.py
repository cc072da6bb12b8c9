"""The portal's notification centre and each person's choice of emails."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message to one member of a client, shown in the portal until read."""

    class Kind(models.TextChoices):
        INVOICE_ISSUED = "invoice_issued", _("New invoice")
        REMINDER = "reminder", _("Payment reminder")
        OVERDUE = "overdue", _("Invoice overdue")
        PAYMENT = "payment", _("Payment received")
        PAUSE = "pause", _("Reminders paused")

    client = models.ForeignKey("accounts.Client", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    invoice = models.ForeignKey(
        "billing.Invoice", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["client", "user", "-id"], name="notification_inbox_idx"),
            models.Index(
                fields=["client", "user"],
                name="notification_unread_idx",
                condition=models.Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """Which emails one person gets at their own address, besides the billing addresses."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    invoice_issued = models.BooleanField(_("new invoices"), default=False)
    reminders = models.BooleanField(_("payment reminders"), default=False)
    receipts = models.BooleanField(_("payment receipts"), default=False)

    class Meta:
        verbose_name = _("email preference")
        verbose_name_plural = _("email preferences")

    def __str__(self) -> str:
        return str(self.user)
